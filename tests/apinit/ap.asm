; SPDX-License-Identifier: MIT
;
; apinit's AP trampoline: the code an application processor runs after a
; SIPI, copied by apinit.c to a page P below 1 MiB (SIPI vector P >> 12).
; Real mode -> 32-bit flat protected mode (no paging; the xAPIC page at
; FEE0_0000h is reached directly), then one of three phases the BSP chose:
;
;   phase 1 "firmware uses the AP": leaves the local APIC dirty the way a
;     firmware or an earlier OS can: vector 30h in service (accepted, no EOI),
;     vector 40h pending in IRR (one-shot timer, IF = 0), a periodic timer
;     (vector 41h, unmasked), TPR 20h, an LDR; then CLI/HLT.
;   phase 2 "the OS starts the AP": records the APIC registers as INIT left
;     them, enables the APIC, TPR 0, STI for a while (the BSP's TSC ticks),
;     counts every interrupt taken, CLI/HLT.
;   phase 3 "x2APIC IPIs" (x2APIC mode only): switches its APIC to x2APIC
;     (IA32_APIC_BASE.EXTD) unless it is there already, records its x2APIC ID
;     (MSR 802h) and CPUID 1/0Bh/1Fh, sends itself vector 50h through the
;     SELF IPI MSR (83Fh) and 51h through the ICR with the self shorthand,
;     then takes what the BSP sends (fixed, NMI, all-excluding-self, logical)
;     with IF = 1 until the BSP says stop; CLI/HLT.
;
; In x2APIC mode (MB_X2 = 1, set by the BSP) every APIC access is an MSR
; (800h + offset / 16, SDM3 10.12.1.2) and phase 1 leaves the LDR alone
; (read-only there). Each phase records IA32_APIC_BASE at its start
; (MB_APICBASE + 4 * phase): INIT does not change it, x2APIC mode included.
;
; INIT resets the local APIC (Intel SDM Vol. 3A 10.4.7.3: as after power-up
; but the APIC ID; 10.4.7.1: IRR/ISR/TMR/TPR/LDR/timer 0, LVTs masked, DFR all
; ones, SVR FFh; AMD APM Vol. 2 16.3.x: INIT/RESET state of the APIC
; registers), so after phase 2's STI no interrupt may arrive.
;
; Layout from P (offsets shared with apinit.h): page 0 code and the 256
; interrupt stubs; page 1 the GDT, descriptor pointers, mailbox, counters and
; the IDT (all written by the BSP but the mailbox results); page 2 the stack.
; EBX holds P throughout.

%define PG1             0x1000
%define GDTR            (PG1 + 0x18)
%define FARPTR          (PG1 + 0x20)
%define IDTR            (PG1 + 0x30)
%define MB_BASE         (PG1 + 0x40)
%define MB_PHASE        (PG1 + 0x44)
%define MB_STATE        (PG1 + 0x48)
%define MB_EXC          (PG1 + 0x4c)
%define MB_WAIT         (PG1 + 0x50)
%define MB_IRQS         (PG1 + 0x58)
%define MB_LASTVEC      (PG1 + 0x5c)
%define MB_X2           (PG1 + 0x60)
%define MB_X2ID         (PG1 + 0x64)
%define MB_CPUIDB       (PG1 + 0x68)
%define MB_CPUID1F      (PG1 + 0x6c)
%define MB_CPUID1       (PG1 + 0x70)
%define MB_STOP         (PG1 + 0x74)
%define MB_APICBASE     (PG1 + 0x1c0)
%define MB_REGS         (PG1 + 0x80)
%define MB_COUNTS       (PG1 + 0x200)
%define STACK_TOP       0x3000

%define ST_DIRTY        0x11
%define ST_STI          0x21
%define ST_DONE         0x22
%define ST_X2_READY     0x31
%define ST_X2_DONE      0x32
%define ST_EXC          0xee

%define APIC            0xfee00000
%define A_LDR           (APIC + 0xd0)
; Offsets, for apic_wr / apic_rd (either mode).
%define O_TPR           0x80
%define O_EOI           0xb0
%define O_SVR           0xf0
%define O_ISR1          0x110
%define O_IRR2          0x220
%define O_ICR_LO        0x300
%define O_LVTT          0x320
%define O_TICR          0x380
%define O_TDCR          0x3e0
%define MSR_APIC_BASE   0x1b
%define MSR_X2APIC_ID   0x802
%define MSR_X2_ICR      0x830
%define MSR_SELF_IPI    0x83f
%define EXTD            (1 << 10)

%define SPIN            50000000

section .text
global ap_tramp_start, ap_tramp_pm32, ap_tramp_stubs, ap_tramp_end

bits 16
ap_tramp_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4                      ; EBX = P
	mov [MB_BASE], ebx
	lgdt [GDTR]
	mov eax, cr0
	or al, 1                        ; PE
	mov cr0, eax
	o32 jmp far [FARPTR]            ; P + ap_tramp_pm32, selector 08h

bits 32
ap_tramp_pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	lea esp, [ebx + STACK_TOP]
	lidt [ebx + IDTR]
	mov ecx, MSR_APIC_BASE
	rdmsr
	mov ecx, [ebx + MB_PHASE]
	mov [ebx + MB_APICBASE + ecx * 4], eax
	cmp ecx, 1
	je dirty
	cmp ecx, 3
	je x2ipi
	jmp os_start

; apic_wr: APIC register at offset ESI := EAX; apic_rd: EAX := register at
; offset ESI. MMIO in xAPIC mode, MSR 800h + ESI / 16 in x2APIC mode.
; Other registers preserved.
apic_wr:
	cmp dword [ebx + MB_X2], 0
	jne .msr
	mov [APIC + esi], eax
	ret
.msr:	push ecx
	push edx
	mov ecx, esi
	shr ecx, 4
	add ecx, 0x800
	xor edx, edx
	wrmsr
	pop edx
	pop ecx
	ret
apic_rd:
	cmp dword [ebx + MB_X2], 0
	jne .msr
	mov eax, [APIC + esi]
	ret
.msr:	push ecx
	push edx
	mov ecx, esi
	shr ecx, 4
	add ecx, 0x800
	rdmsr
	pop edx
	pop ecx
	ret

; Phase 3 (x2APIC): the AP's own IDs and self-IPIs, then the BSP's IPIs.
x2ipi:
	test eax, EXTD                  ; IA32_APIC_BASE as the phase began
	jnz .x2on
	or eax, EXTD                    ; EN is set: xAPIC -> x2APIC (SDM3 10.12.5)
	mov ecx, MSR_APIC_BASE
	wrmsr                           ; EDX: the high half rdmsr gave
.x2on:
	mov ecx, MSR_X2APIC_ID
	rdmsr
	mov [ebx + MB_X2ID], eax
	push ebx
	mov eax, 0xb
	xor ecx, ecx
	cpuid
	pop ebx
	mov [ebx + MB_CPUIDB], edx
	push ebx
	mov eax, 1
	cpuid
	mov eax, ebx
	pop ebx
	mov [ebx + MB_CPUID1], eax
	mov dword [ebx + MB_CPUID1F], 0xffffffff
	push ebx
	xor eax, eax
	cpuid
	pop ebx
	cmp eax, 0x1f
	jb .no1f
	push ebx
	mov eax, 0x1f
	xor ecx, ecx
	cpuid
	pop ebx
	mov [ebx + MB_CPUID1F], edx
.no1f:
	mov esi, O_SVR
	mov eax, 0x1ff
	call apic_wr
	mov esi, O_TPR
	xor eax, eax
	call apic_wr
	sti
	mov ecx, MSR_SELF_IPI           ; vector 50h to itself
	mov eax, 0x50
	xor edx, edx
	wrmsr
	mov ecx, MSR_X2_ICR             ; self shorthand (01), fixed, vector 51h
	mov eax, 0x40051
	xor edx, edx
	wrmsr
	mov dword [ebx + MB_STATE], ST_X2_READY
.wait:	cmp dword [ebx + MB_STOP], 0
	jne .stop
	pause
	jmp .wait
.stop:	cli
	mov dword [ebx + MB_STATE], ST_X2_DONE
	jmp park

; Phase 1: a dirty local APIC, then park.
dirty:
	mov esi, O_SVR
	mov eax, 0x1ff                  ; enabled, spurious vector FFh
	call apic_wr
	mov esi, O_TPR
	xor eax, eax
	call apic_wr
	mov esi, O_ICR_LO
	mov eax, 0x40030                ; self (shorthand 01), fixed, vector 30h
	call apic_wr
	sti                             ; taken; the handler leaves it in service
	mov ecx, SPIN
	mov esi, O_ISR1
.isr:	call apic_rd
	test eax, 1 << 16               ; ISR bit 30h
	jnz .isr_set
	pause
	dec ecx
	jnz .isr
.isr_set:
	cli
	mov esi, O_TDCR
	mov eax, 0xb                    ; divide by 1
	call apic_wr
	mov esi, O_LVTT
	mov eax, 0x40                   ; one-shot, vector 40h
	call apic_wr
	mov esi, O_TICR
	mov eax, 1000
	call apic_wr
	mov ecx, SPIN
	mov esi, O_IRR2
.irr:	call apic_rd
	test eax, 1                     ; IRR bit 40h (IF = 0: held)
	jnz .irr_set
	pause
	dec ecx
	jnz .irr
.irr_set:
	mov esi, O_TPR
	mov eax, 0x20
	call apic_wr
	cmp dword [ebx + MB_X2], 0
	jne .no_ldr                     ; x2APIC: the LDR is read-only
	mov dword [A_LDR], 0x02000000
.no_ldr:
	; Periodic, vector 41h, unmasked, every 10^6 bus clocks (1 ms on QEMU's
	; 1 GHz APIC clock): an INIT that leaves it running is seen in phase 2's
	; 50 ms of STI. The one-shot's initial count (1000) is cleared first:
	; LVTT switched to periodic with it would run a 1 us timer until the
	; next store, and under svmhv every store to the APIC page is an
	; emulated #NPF, so that lasts long enough for QEMU's APIC timer, which
	; catches up one period per callback, to fall behind for tens of seconds on a
	; loaded host (its main loop held the BQL, both vCPU threads waited:
	; the 52-apinit freeze, about 1 boot in 100). Short periods are not
	; QEMU's strength either way.
	mov esi, O_TICR
	xor eax, eax
	call apic_wr
	mov esi, O_LVTT
	mov eax, 0x20041
	call apic_wr
	mov esi, O_TICR
	mov eax, 1000000
	call apic_wr
	mov dword [ebx + MB_STATE], ST_DIRTY
	jmp park

; Phase 2: what INIT left, then interrupts on, as an OS would.
os_start:
	xor ecx, ecx
.snap:	movzx esi, word [ebx + ecx * 2 + (reglist - ap_tramp_start)]
	test esi, esi
	jz .snapped
	mov eax, 0xffffffff             ; x2APIC has no DFR (its MSR #GPs)
	cmp dword [ebx + MB_X2], 0
	je .rd
	cmp esi, 0xe0
	je .store
.rd:	call apic_rd
.store:	mov [ebx + MB_REGS + ecx * 4], eax
	inc ecx
	jmp .snap
.snapped:
	mov esi, O_SVR
	mov eax, 0x1ff
	call apic_wr
	mov esi, O_TPR
	xor eax, eax
	call apic_wr
	rdtsc
	add eax, [ebx + MB_WAIT]
	adc edx, [ebx + MB_WAIT + 4]
	mov esi, eax
	mov edi, edx
	mov dword [ebx + MB_STATE], ST_STI
	sti
.wait:	rdtsc
	cmp edx, edi
	ja .waited
	jb .wait
	cmp eax, esi
	jb .wait
.waited:
	cli
	mov dword [ebx + MB_STATE], ST_DONE
park:
	cli
	hlt
	jmp park

; The registers phase 2 records, in apinit.h's order; 0 ends the list.
reglist:
	dw 0xf0, 0x80, 0x320, 0x380, 0x390, 0x3e0, 0x330, 0x340, 0x350, 0x360, 0x370
	dw 0xd0, 0xe0
	dw 0x100, 0x110, 0x120, 0x130, 0x140, 0x150, 0x160, 0x170       ; ISR
	dw 0x180, 0x190, 0x1a0, 0x1b0, 0x1c0, 0x1d0, 0x1e0, 0x1f0       ; TMR
	dw 0x200, 0x210, 0x220, 0x230, 0x240, 0x250, 0x260, 0x270       ; IRR
	dw 0

; Every vector: count it. NMIs are counted (the BSP checks how many came).
; Other exceptions park the AP (state ST_EXC). External interrupts: EOI,
; except in phase 1, where the one taken stays in service.
intr_common:
	push eax
	mov eax, [esp + 4]              ; the vector the stub pushed
	cmp eax, 2
	je .nmi
	cmp eax, 32
	jb .exc
	lock inc dword [ebx + MB_COUNTS + eax * 4]
	cmp dword [ebx + MB_PHASE], 1
	je .no_eoi
	lock inc dword [ebx + MB_IRQS]
	mov [ebx + MB_LASTVEC], eax
	push esi
	mov esi, O_EOI
	xor eax, eax
	call apic_wr
	pop esi
.no_eoi:
	pop eax
	add esp, 4
	iretd
.nmi:
	lock inc dword [ebx + MB_COUNTS + 2 * 4]
	pop eax
	add esp, 4
	iretd
.exc:
	mov [ebx + MB_EXC], eax
	mov dword [ebx + MB_STATE], ST_EXC
	jmp park

; 256 stubs of 10 bytes: push the vector, jump to common.
align 16
ap_tramp_stubs:
%assign i 0
%rep 256
	push strict dword i
	jmp strict near intr_common
%assign i i + 1
%endrep
ap_tramp_end:
