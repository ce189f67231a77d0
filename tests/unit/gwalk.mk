# Guest page-table walker (mm/gwalk.c): every paging mode, large pages,
# rights, reserved bits, refused reads and reads across pages.
UNIT_TESTS += test_gwalk
test_gwalk_SRCS := tests/unit/test_gwalk.c mm/gwalk.c
# The walker of L1's nested page tables (mm/nwalk.c).
UNIT_TESTS += test_nwalk
test_nwalk_SRCS := tests/unit/test_nwalk.c mm/nwalk.c mm/gwalk.c
