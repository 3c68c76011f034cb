# Build lwIP's core (no API layers) and Debian's unix port into one archive, with lwipopts.h from
# lwip/include. Called by the Makefile: make -f lwip/lwip.mk SRC=... OUT=... LWIP_CC_FLAGS=...
CORE := $(wildcard $(SRC)/src/core/*.c $(SRC)/src/core/ipv4/*.c $(SRC)/src/core/ipv6/*.c) \
	$(SRC)/src/netif/ethernet.c $(SRC)/port/sys_arch.c
# With our own routines (lwip/src: what lwipopts.h names in place of lwIP's).
OBJ := $(patsubst $(SRC)/%.c,$(OUT)/%.o,$(CORE)) $(OUT)/netcon/chksum.o
INC := -Ilwip/include -I$(SRC)/src/include -I$(SRC)/port/include

$(OUT)/liblwip.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(OUT)/netcon/%.o: lwip/src/%.c lwip/include/lwipopts.h
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CC_FLAGS) $(INC) -c $< -o $@

$(OUT)/%.o: $(SRC)/%.c lwip/include/lwipopts.h
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CC_FLAGS) $(INC) -c $< -o $@
