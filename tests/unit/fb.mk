# The panic screen (hv/fb.c): svmhv's font, drawing into a framebuffer of
# either GOP pixel format and any stride, clipping, the checks of what the
# firmware reports; and fbrender, the host tool that draws the text a QEMU
# test expects on the screen with the same code (tests/suites/30-qemu.sh).
UNIT_TESTS += test_fb
test_fb_SRCS := tests/unit/test_fb.c hv/fb.c
HOST_PROGS += fbrender
fbrender_SRCS := tests/unit/fbrender.c hv/fb.c
