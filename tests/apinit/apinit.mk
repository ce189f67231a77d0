# apinit (build/apinit.efi): a 2-CPU guest OS that restarts its AP with
# INIT-SIPI-SIPI after leaving that AP's local APIC dirty; tests/suites/52-apinit.sh.
EFI_APPS += apinit
apinit_SRCS := tests/apinit/apinit.c tests/apinit/ap.asm tests/payload/report.c tests/payload/options.c hv/fmt.c
# x2fw (build/x2fw.efi): firmware that switched every CPU to x2APIC, then starts \svmhv.efi.
EFI_APPS += x2fw
x2fw_SRCS := tests/apinit/x2fw.c tests/payload/report.c tests/payload/options.c hv/fmt.c
