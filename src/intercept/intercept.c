/* placeholder */
int netcon_intercept_placeholder(void);
int netcon_intercept_placeholder(void) { return 0; }
