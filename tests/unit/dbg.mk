# svmhv's debugger glue (hv/dbg/): its pure parts on the host.
UNIT_TESTS += test_uart
test_uart_SRCS := tests/unit/test_uart.c hv/dbg/uart.c hv/debug/escape.c hv/fmt.c
