; SPDX-License-Identifier: MIT
;
; apinit's AP trampoline: the code an application processor runs after a
; SIPI, copied by apinit.c to a page P below 1 MiB (SIPI vector P >> 12).
; Real mode -> 32-bit flat protected mode (no paging; the xAPIC page at
; FEE0_0000h is reached directly), then one of two phases the BSP chose:
;
;   phase 1 "firmware uses the AP": leaves the local APIC dirty the way a
;     firmware or an earlier OS can: vector 30h in service (accepted, no EOI),
;     vector 40h pending in IRR (one-shot timer, IF = 0), a periodic timer
;     (vector 41h, unmasked), TPR 20h, an LDR; then CLI/HLT.
;   phase 2 "the OS starts the AP": records the APIC registers as INIT left
;     them, enables the APIC, TPR 0, STI for a while (the BSP's TSC ticks),
;     counts every interrupt taken, CLI/HLT.
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
%define MB_REGS         (PG1 + 0x80)
%define MB_COUNTS       (PG1 + 0x200)
%define STACK_TOP       0x3000

%define ST_DIRTY        0x11
%define ST_STI          0x21
%define ST_DONE         0x22
%define ST_EXC          0xee

%define APIC            0xfee00000
%define A_TPR           (APIC + 0x80)
%define A_EOI           (APIC + 0xb0)
%define A_LDR           (APIC + 0xd0)
%define A_SVR           (APIC + 0xf0)
%define A_ISR1          (APIC + 0x110)
%define A_IRR2          (APIC + 0x220)
%define A_ICR_LO        (APIC + 0x300)
%define A_LVTT          (APIC + 0x320)
%define A_TICR          (APIC + 0x380)
%define A_TDCR          (APIC + 0x3e0)

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
	cmp dword [ebx + MB_PHASE], 1
	je dirty
	jmp os_start

; Phase 1: a dirty local APIC, then park.
dirty:
	mov dword [A_SVR], 0x1ff        ; enabled, spurious vector FFh
	mov dword [A_TPR], 0
	mov dword [A_ICR_LO], 0x40030   ; self (shorthand 01), fixed, vector 30h
	sti                             ; taken; the handler leaves it in service
	mov ecx, SPIN
.isr:	test dword [A_ISR1], 1 << 16    ; ISR bit 30h
	jnz .isr_set
	pause
	dec ecx
	jnz .isr
.isr_set:
	cli
	mov dword [A_TDCR], 0xb         ; divide by 1
	mov dword [A_LVTT], 0x40        ; one-shot, vector 40h
	mov dword [A_TICR], 1000
	mov ecx, SPIN
.irr:	test dword [A_IRR2], 1          ; IRR bit 40h (IF = 0: held)
	jnz .irr_set
	pause
	dec ecx
	jnz .irr
.irr_set:
	mov dword [A_LVTT], 0x20041     ; periodic, vector 41h, unmasked
	mov dword [A_TICR], 100000
	mov dword [A_TPR], 0x20
	mov dword [A_LDR], 0x02000000
	mov dword [ebx + MB_STATE], ST_DIRTY
	jmp park

; Phase 2: what INIT left, then interrupts on, as an OS would.
os_start:
	xor ecx, ecx
.snap:	movzx eax, word [ebx + ecx * 2 + (reglist - ap_tramp_start)]
	test eax, eax
	jz .snapped
	mov eax, [APIC + eax]
	mov [ebx + MB_REGS + ecx * 4], eax
	inc ecx
	jmp .snap
.snapped:
	mov dword [A_SVR], 0x1ff
	mov dword [A_TPR], 0
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

; Every vector: count it. Exceptions park the AP (state ST_EXC). External
; interrupts: EOI, except in phase 1, where the one taken stays in service.
intr_common:
	push eax
	mov eax, [esp + 4]              ; the vector the stub pushed
	cmp eax, 32
	jb .exc
	lock inc dword [ebx + MB_COUNTS + eax * 4]
	cmp dword [ebx + MB_PHASE], 1
	je .no_eoi
	lock inc dword [ebx + MB_IRQS]
	mov [ebx + MB_LASTVEC], eax
	mov dword [A_EOI], 0
.no_eoi:
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
