// SPDX-License-Identifier: BSD-2-Clause
// A Go test program: Go makes its own system calls, so LD_PRELOAD never sees them.
//
//	gonet dial HOST:PORT     connect and write "leak\n"; "connected" or "refused ERR" (exit 1)
//	gonet serve HOST:PORT N  a net/http server; prints "ready", serves GET /data/N (N bytes)
//	gonet get URL            prints "status CODE", "bytes N", "sha256 HEX"
//	gonet udp HOST:PORT MSG  a connected UDP socket: sends MSG, prints the reply and its source
//	gonet udp-echo HOST:PORT N  an unconnected UDP socket: prints "ready ADDR", answers N
//	                         datagrams with the reversed text and " from SOURCE"
package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7 % 251)
	}
	return b
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gonet dial|serve|get ARG")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "dial":
		c, err := net.DialTimeout("tcp", os.Args[2], 3*time.Second)
		if err != nil {
			fmt.Println("refused", err)
			os.Exit(1)
		}
		c.Write([]byte("leak\n"))
		c.Close()
		fmt.Println("connected")
	case "serve":
		ln, err := net.Listen("tcp", os.Args[2])
		if err != nil {
			fmt.Println("listen", err)
			os.Exit(1)
		}
		fmt.Println("ready", ln.Addr())
		http.HandleFunc("/data/", func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/data/"))
			w.Header().Set("X-Remote", r.RemoteAddr)
			w.Write(pattern(n))
		})
		http.Serve(ln, nil)
	case "udp":
		c, err := net.Dial("udp", os.Args[2])
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write([]byte(os.Args[3]))
		b := make([]byte, 2048)
		n, err := c.Read(b)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("reply", string(b[:n]))
		fmt.Println("local", c.LocalAddr(), "remote", c.RemoteAddr())
	case "udp-echo":
		pc, err := net.ListenPacket("udp", os.Args[2])
		if err != nil {
			fmt.Println("listen", err)
			os.Exit(1)
		}
		fmt.Println("ready", pc.LocalAddr())
		n, _ := strconv.Atoi(os.Args[3])
		b := make([]byte, 65536)
		for i := 0; i < n; i++ {
			m, from, err := pc.ReadFrom(b)
			if err != nil {
				fmt.Println("read", err)
				os.Exit(1)
			}
			r := make([]byte, m)
			for j := 0; j < m; j++ {
				r[j] = b[m-1-j]
			}
			pc.WriteTo(append(r, []byte(" from "+from.String())...), from)
		}
	case "get":
		cl := &http.Client{Timeout: 20 * time.Second}
		r, err := cl.Get(os.Args[2])
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("status", r.StatusCode)
		fmt.Println("remote", r.Header.Get("X-Remote"))
		fmt.Println("bytes", len(b))
		fmt.Printf("sha256 %x\n", sha256.Sum256(b))
	}
}
