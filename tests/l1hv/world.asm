; SPDX-License-Identifier: MIT
;
; l1hv's world switch and its L2 guest code.
;
;   void l1_vmrun(struct l2_gprs *g, uint64_t vmcb_pa, uint64_t flags);
;
; Runs one L2 until its next #VMEXIT: CLGI; load the L2 GPRs that VMRUN does
; not load (everything but RAX/RSP, which live in the VMCB); [STI if flags has
; L1_RUN_STI]; VMRUN; CLI; store the L2 GPRs; STGI. Called with RFLAGS.IF = 0.
; With L1_RUN_STI the host's RFLAGS.IF is 1 at VMRUN, which with
; V_INTR_MASKING = 1 lets physical interrupts reach L2's intercept (APM2 15.21.1).
; No VMLOAD/VMSAVE: L2 shares L1's FS/GS/TR/LDTR and syscall MSRs.
;
; The L2 code (l2_blob_start .. l2_blob_end) is position independent: l1hv
; copies it into an EfiLoaderCode buffer and points each VMCB's RIP at a label
; of the copy. Every path ends in an intercepted VMMCALL or HLT, so L2 never
; runs away. Register use per entry point is documented at each label and in
; tests/l1hv/l1hv.h.
; See: APM2 15.5 (VMRUN), 15.6 (#VMEXIT), 15.17 (GIF).

bits 64
default rel

%define G_RBX   0x00
%define G_RCX   0x08
%define G_RDX   0x10
%define G_RSI   0x18
%define G_RDI   0x20
%define G_RBP   0x28
%define G_R8    0x30
%define G_R9    0x38
%define G_R10   0x40
%define G_R11   0x48
%define G_R12   0x50
%define G_R13   0x58
%define G_R14   0x60
%define G_R15   0x68

%define L1_RUN_STI      1

%define L2_MARK         0x1d700000      ; IDT stub: RAX = L2_MARK + vector
%define L2_DONE         0x600d          ; RAX at the final VMMCALL of a path
%define IO_PORT_OUT     0x510           ; intercepted in the IOPM (2 bits)
%define IO_PORT_IN      0x512           ; intercepted
%define MSR_RD_ICPT     0xc0000081      ; STAR: read intercepted
%define MSR_WR_ICPT     0xc0000083      ; CSTAR: write intercepted
%define MSR_OUTSIDE     0x00002000      ; in no MSRPM range: always intercepted

section .text
global l1_vmrun
l1_vmrun:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi                        ; [rsp + 8] = g
	push rdx                        ; [rsp] = flags
	mov rax, rsi                    ; VMRUN operand: the VMCB's physical address
	clgi
	mov rbx, [rdi + G_RBX]
	mov rcx, [rdi + G_RCX]
	mov rdx, [rdi + G_RDX]
	mov rsi, [rdi + G_RSI]
	mov rbp, [rdi + G_RBP]
	mov r8,  [rdi + G_R8]
	mov r9,  [rdi + G_R9]
	mov r10, [rdi + G_R10]
	mov r11, [rdi + G_R11]
	mov r12, [rdi + G_R12]
	mov r13, [rdi + G_R13]
	mov r14, [rdi + G_R14]
	mov r15, [rdi + G_R15]
	mov rdi, [rdi + G_RDI]
	test byte [rsp], L1_RUN_STI
	jz .run
	sti                             ; shadow covers VMRUN; GIF = 0 anyway
.run:
	vmrun
	cli                             ; GIF = 0 here: nothing arrives before this
	push rdi                        ; [rsp] = L2's rdi, [rsp + 16] = g
	mov rdi, [rsp + 16]
	mov [rdi + G_RBX], rbx
	mov [rdi + G_RCX], rcx
	mov [rdi + G_RDX], rdx
	mov [rdi + G_RSI], rsi
	mov [rdi + G_RBP], rbp
	mov [rdi + G_R8],  r8
	mov [rdi + G_R9],  r9
	mov [rdi + G_R10], r10
	mov [rdi + G_R11], r11
	mov [rdi + G_R12], r12
	mov [rdi + G_R13], r13
	mov [rdi + G_R14], r14
	mov [rdi + G_R15], r15
	pop rax
	mov [rdi + G_RDI], rax
	add rsp, 16                     ; flags, g
	stgi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; ---------------------------------------------------------------------------
; L2 code, copied by l1hv; position independent (no absolute references).
	align 64
global l2_blob_start
l2_blob_start:

; VMMCALL forever (round trips): L1 advances RIP by 3 after each exit.
global l2_loop, l2_loop_vmmcall
l2_loop:
l2_loop_vmmcall:
	vmmcall
	jmp l2_loop

; Count in [rdi], then VMMCALL, forever (multiplexed L2s).
global l2_counter, l2_counter_vmmcall
l2_counter:
	inc qword [rdi]
l2_counter_vmmcall:
	vmmcall
	jmp l2_counter

; Every GPR but RAX/RSP + 1, then VMMCALL.
global l2_regs, l2_regs_vmmcall
l2_regs:
	inc rbx
	inc rcx
	inc rdx
	inc rsi
	inc rdi
	inc rbp
	inc r8
	inc r9
	inc r10
	inc r11
	inc r12
	inc r13
	inc r14
	inc r15
l2_regs_vmmcall:
	vmmcall
	hlt

; CPUID (EAX/ECX from L1), then VMMCALL with the result in EAX..EDX.
global l2_cpuid
l2_cpuid:
	cpuid
	vmmcall
	hlt

; Intercepted OUT (16 bit), intercepted IN (8 bit), OUT to port 0x80 (not
; intercepted), VMMCALL with AL = what the IN returned.
global l2_io, l2_io_out, l2_io_in, l2_io_80
l2_io:
	mov edx, IO_PORT_OUT
	mov eax, 0xbeef
l2_io_out:
	out dx, ax                      ; 66 ef
	mov edx, IO_PORT_IN
l2_io_in:
	in al, dx                       ; ec
l2_io_80:
	out 0x80, al                    ; e6 80
	vmmcall
	hlt

; Intercepted RDMSR, intercepted WRMSR, RDMSR EFER (not intercepted), RDMSR
; of an MSR outside the MSRPM ranges, VMMCALL (r8/r9 = first read, r10 = EFER).
global l2_msr, l2_msr_rd, l2_msr_wr, l2_msr_outside
l2_msr:
	mov ecx, MSR_RD_ICPT
l2_msr_rd:
	rdmsr
	mov r8, rax
	mov r9, rdx
	mov ecx, MSR_WR_ICPT
	mov eax, 0x11223344
	mov edx, 0x55667788
l2_msr_wr:
	wrmsr
	mov ecx, 0xc0000080             ; EFER (QEMU TCG reads TSC as 0)
	rdmsr
	shl rdx, 32
	or rax, rdx
	mov r10, rax
	mov ecx, MSR_OUTSIDE
l2_msr_outside:
	rdmsr
	vmmcall
	hlt

; Exceptions.
global l2_ud, l2_de, l2_de_div, l2_bp, l2_bp_int3, l2_intn
l2_ud:
	ud2
	hlt
l2_de:
	xor edx, edx
	mov eax, 1
	xor ecx, ecx
l2_de_div:
	div ecx
	hlt
l2_bp:
l2_bp_int3:
	int3
	mov eax, L2_DONE
	vmmcall
	hlt
l2_intn:
	int 0x21
	hlt

; The end of most paths: VMMCALL with RAX = L2_DONE (event injection target).
global l2_done
l2_done:
	mov eax, L2_DONE
	vmmcall
	hlt

; Spin RCX times (PAUSE), then VMMCALL with L2_DONE (interrupt window).
global l2_spin
l2_spin:
	pause
	dec rcx
	jnz l2_spin
	mov eax, L2_DONE
	vmmcall
	hlt

; SVM instructions, each intercepted (3 bytes each: L1 advances RIP by 3).
global l2_svm
l2_svm:
	stgi
	clgi
	invlpga
	vmload
	vmsave
	vmrun
	skinit
	mov eax, L2_DONE
	vmmcall
	hlt

; Issue 17 item 5: SVM instructions L1 does not intercept. CLGI, STGI;
; then VMSAVE to RAX, VMLOAD from RBX, VMSAVE to RDI (L1-physical
; addresses); then VMMCALL with L2_DONE.
global l2_svm_pass, l2_svm_pass_save
l2_svm_pass:
	clgi
	stgi
l2_svm_pass_save:
	vmsave
	mov rax, rbx
	vmload
	mov rax, rdi
	vmsave
	mov eax, L2_DONE
	vmmcall
	hlt

; VGIF for L2 (vmcb12 V_GIF_ENABLE, CLGI/STGI not intercepted): CLGI, then
; VMMCALL (L1 checks V_GIF = 0 in vmcb12 and posts a V_IRQ); then spin RCX
; times with V_GIF = 0 (the virtual interrupt is held), STGI, NOP, VMMCALL
; with L2_DONE. Each instruction before l2_vgif_after is 3 bytes or a loop.
global l2_vgif, l2_vgif_vmmcall, l2_vgif_stgi, l2_vgif_after, l2_vgif_done
l2_vgif:
	clgi
l2_vgif_vmmcall:
	vmmcall
l2_vgif_spin:
	pause
	dec rcx
	jnz l2_vgif_spin
l2_vgif_stgi:
	stgi
l2_vgif_after:
	nop
	mov eax, L2_DONE
l2_vgif_done:
	vmmcall
	hlt

; Issue 17 item 2: store the byte SIL at [RDI] (a byte of L1's IOPM or
; MSRPM), then OUT DX, AL / RDMSR of ECX (R8 = RAX, R9 = RDX); then VMMCALL
; with L2_DONE.
global l2_poke_out, l2_poke_rdmsr
l2_poke_out:
	mov [rdi], sil
	out dx, al
	mov eax, L2_DONE
	vmmcall
	hlt
l2_poke_rdmsr:
	mov [rdi], sil
	rdmsr
	mov r8, rax
	mov r9, rdx
	mov eax, L2_DONE
	vmmcall
	hlt

; tests/attack: R8 = [RDI], store RSI there, R9 = [RDI]; WRMSR / RDMSR of
; ECX (EDX:EAX / into R8:R9); MOV CR4, RDI; each then VMMCALL with L2_DONE.
global l2_peek_poke, l2_wrmsr, l2_rdmsr, l2_mov_cr4
l2_peek_poke:
	mov r8, [rdi]
	mov [rdi], rsi
	mov r9, [rdi]
	mov eax, L2_DONE
	vmmcall
	hlt
l2_wrmsr:
	wrmsr
	mov eax, L2_DONE
	vmmcall
	hlt
l2_rdmsr:
	rdmsr
	mov r8, rax
	mov r9, rdx
	mov eax, L2_DONE
	vmmcall
	hlt
l2_mov_cr4:
	mov cr4, rdi
	mov eax, L2_DONE
	vmmcall
	hlt

; Nested paging (tests/l1hv/npt.c): R8 = [RDI], then VMMCALL with L2_DONE.
global l2_peek
l2_peek:
	mov r8, [rdi]
	mov eax, L2_DONE
	vmmcall
	hlt

; RCX qwords: [RSI + 8 * i] = [RDI + i * RDX], then VMMCALL with L2_DONE.
global l2_gather
l2_gather:
	mov rax, [rdi]
	mov [rsi], rax
	add rdi, rdx
	add rsi, 8
	dec rcx
	jnz l2_gather
	mov eax, L2_DONE
	vmmcall
	hlt

; Triple fault: UD2 with an empty IDT and no exception intercepts.
global l2_triple
l2_triple:
	ud2
	hlt

; IDT stubs, 32 bytes each: RAX = L2_MARK + vector, RBX = [RSP] (the error
; code, or the return RIP), VMMCALL; when L1 resumes after it: drop the
; error code if the vector has one, IRETQ.
	align 32
global l2_stubs
l2_stubs:
%assign v 0
%rep 256
	mov eax, L2_MARK + v
	mov rbx, [rsp]
	vmmcall
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	add rsp, 8
%endif
	iretq
	times 32 * (v + 1) - ($ - l2_stubs) db 0xcc
%assign v v + 1
%endrep

; The differential batch's IDT stubs (tests/l1hv/conf.c), vectors 0 ..
; L2_CONF_STUBS - 1, 32 bytes each: as l2_stubs, but RAX and RBX are the
; interrupted code's again after L1 resumes past the VMMCALL, so an
; instruction sequence interrupted by a #DB or an interrupt goes on with its
; own registers.
%define L2_CONF_STUBS   0x32
	align 32
global l2_conf_stubs
l2_conf_stubs:
%assign v 0
%rep L2_CONF_STUBS
	push rax
	push rbx
	mov eax, L2_MARK + v
	mov rbx, [rsp + 16]
	vmmcall
	pop rbx
	pop rax
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	add rsp, 8
%endif
	iretq
	times 32 * (v + 1) - ($ - l2_conf_stubs) db 0xcc
%assign v v + 1
%endrep

global l2_blob_end
l2_blob_end:

section .note.GNU-stack noalloc noexec nowrite progbits
