# The guest-side test payload (build/payload.efi), run by tests/suites/30-qemu.sh.
EFI_APPS += payload
payload_SRCS := tests/payload/payload.c tests/payload/checks.c tests/payload/apicrmw.c tests/payload/memcheck.c \
	tests/payload/probe.c tests/payload/report.c tests/payload/options.c hv/fmt.c
