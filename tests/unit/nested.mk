# Host unit tests of the nested-SVM decision logic (nested/).
UNIT_TESTS += test_nested_check test_nested_merge test_nested_exit test_nested_reflect \
	test_nested_gif
test_nested_check_SRCS := tests/unit/test_nested_check.c nested/check.c nested/vmcb12.c
test_nested_merge_SRCS := tests/unit/test_nested_merge.c nested/merge.c nested/vmcb12.c \
	svm/msrpm.c
test_nested_exit_SRCS := tests/unit/test_nested_exit.c nested/exit.c nested/vmcb12.c \
	svm/msrpm.c
test_nested_reflect_SRCS := tests/unit/test_nested_reflect.c nested/reflect.c nested/exit.c \
	nested/merge.c nested/vmcb12.c svm/msrpm.c
test_nested_gif_SRCS := tests/unit/test_nested_gif.c nested/gif.c
# The shadow of L1's nested page tables (nested/shadow.c).
UNIT_TESTS += test_shadow
test_shadow_SRCS := tests/unit/test_shadow.c nested/shadow.c
