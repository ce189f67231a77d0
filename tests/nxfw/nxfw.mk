# nxfw (build/nxfw.efi): firmware with a DXE NX policy for EfiReservedMemoryType,
# imitated on OVMF, then svmhv.efi started under it; tests/suites/30-qemu.sh.
EFI_APPS += nxfw
nxfw_SRCS := tests/nxfw/nxfw.c tests/payload/probe.c tests/payload/report.c tests/payload/options.c hv/fmt.c
