UNIT_TESTS += test_config
test_config_SRCS := tests/unit/test_config.c boot/config.c hv/debug/escape.c hv/fmt.c
