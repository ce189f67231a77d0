# The run loop, exit routing and nested glue on the host harness (tests/harness/).
UNIT_TESTS += test_run
test_run_SRCS := tests/unit/test_run.c $(HARNESS_SRCS)
