# apinit (build/apinit.efi): a 2-CPU guest OS that restarts its AP with
# INIT-SIPI-SIPI after leaving that AP's local APIC dirty; tests/suites/52-apinit.sh.
EFI_APPS += apinit
apinit_SRCS := tests/apinit/apinit.c tests/apinit/ap.asm tests/payload/report.c hv/fmt.c
