; SPDX-License-Identifier: MIT
;
; The world switch: svmhv's one VMRUN loop.
;
;   void svm_run_loop(struct vcpu *vcpu, void *host_stack_top) __attribute__((noreturn));
;   void svm_handle_exit(struct vcpu *vcpu);            /* C, hv/exit.c */
;
; Register contract (SysV AMD64). On entry: host GDT/IDT/TR/CR3 are loaded,
; EFER.SVME = 1, VM_HSAVE_PA is set, RFLAGS.IF = 0, vcpu->vmcb_pa names the
; VMCB to run and vcpu->host_save_pa a VMSAVE image of the host's FS/GS/TR/
; LDTR/syscall MSRs. The loop switches to host_stack_top and never returns.
; The guest's RAX and RSP live in the VMCB; every other GPR lives in
; vcpu->regs (offsets asserted in hv/vcpu.h). C code may change vcpu->vmcb_pa
; (e.g. to run vmcb02) between iterations.
; See: APM2 15.5 (VMRUN), 15.5.2 (VMSAVE/VMLOAD), 15.6 (#VMEXIT).

bits 64
default rel

%define VCPU_RBX          0x00
%define VCPU_RCX          0x08
%define VCPU_RDX          0x10
%define VCPU_RSI          0x18
%define VCPU_RDI          0x20
%define VCPU_RBP          0x28
%define VCPU_R8           0x30
%define VCPU_R9           0x38
%define VCPU_R10          0x40
%define VCPU_R11          0x48
%define VCPU_R12          0x50
%define VCPU_R13          0x58
%define VCPU_R14          0x60
%define VCPU_R15          0x68
%define VCPU_VMCB_PA      0x70
%define VCPU_HOST_SAVE_PA 0x78
%define VCPU_HOST_IF      0x80

extern svm_handle_exit

section .text
global svm_run_loop
svm_run_loop:
	mov rsp, rsi                    ; switch to the host stack (16-byte aligned)
	push 0                          ; fake return address: backtraces stop here
	push rdi                        ; [rsp] = vcpu; rsp stays 16-byte aligned
.loop:
	mov rax, [rsp]                  ; rax = vcpu
	mov rbx, [rax + VCPU_RBX]       ; load the guest GPRs the VMCB does not hold
	mov rcx, [rax + VCPU_RCX]
	mov rdx, [rax + VCPU_RDX]
	mov rsi, [rax + VCPU_RSI]
	mov rdi, [rax + VCPU_RDI]
	mov rbp, [rax + VCPU_RBP]
	mov r8,  [rax + VCPU_R8]
	mov r9,  [rax + VCPU_R9]
	mov r10, [rax + VCPU_R10]
	mov r11, [rax + VCPU_R11]
	mov r12, [rax + VCPU_R12]
	mov r13, [rax + VCPU_R13]
	mov r14, [rax + VCPU_R14]
	mov r15, [rax + VCPU_R15]
	cmp qword [rax + VCPU_HOST_IF], 0
	je .no_if                       ; usually: physical IRQs need no host IF
	sti                             ; vmcb02 with V_INTR_MASKING: L1's IF gates
.no_if:                                 ;   physical IRQs (GIF = 0: none taken here)
	mov rax, [rax + VCPU_VMCB_PA]   ; rax = VMCB physical address (VMRUN operand)
	vmload                          ; [rax]: guest FS/GS/TR/LDTR/KernelGsBase/STAR/SYSENTER
	vmrun                           ; [rax]: run the guest until #VMEXIT
	cli                             ; host IF off again before anything opens GIF
	vmsave                          ; [rax]: keep the guest's hidden state in its VMCB
	mov rax, [rsp]                  ; rax = vcpu (guest RAX is already in the VMCB)
	mov [rax + VCPU_RBX], rbx       ; store the guest GPRs
	mov [rax + VCPU_RCX], rcx
	mov [rax + VCPU_RDX], rdx
	mov [rax + VCPU_RSI], rsi
	mov [rax + VCPU_RDI], rdi
	mov [rax + VCPU_RBP], rbp
	mov [rax + VCPU_R8],  r8
	mov [rax + VCPU_R9],  r9
	mov [rax + VCPU_R10], r10
	mov [rax + VCPU_R11], r11
	mov [rax + VCPU_R12], r12
	mov [rax + VCPU_R13], r13
	mov [rax + VCPU_R14], r14
	mov [rax + VCPU_R15], r15
	mov rdi, rax                    ; argument: vcpu
	mov rax, [rdi + VCPU_HOST_SAVE_PA]
	vmload                          ; [rax]: restore the host's TR (IST stacks), FS, GS
	call svm_handle_exit            ; C exit dispatch, GIF = 0, IF = 0
	jmp .loop                       ; next VMRUN

section .note.GNU-stack noalloc noexec nowrite progbits
