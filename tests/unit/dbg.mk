# svmhv's debugger glue (hv/dbg/): its pure parts on the host.
UNIT_TESTS += test_uart
test_uart_SRCS := tests/unit/test_uart.c hv/dbg/uart.c hv/debug/escape.c hv/fmt.c
UNIT_TESTS += test_dbg
test_dbg_SRCS := tests/unit/test_dbg.c $(HARNESS_SRCS)
