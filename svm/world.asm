; SPDX-License-Identifier: MIT
;
; The world switch: svmhv's one VMRUN.
;
;   void svm_world_switch(struct svm_world *w);                   /* svm/world.h */
;   void svm_world_start(void *host_stack_top, void (*loop)(void *), void *arg);
;
; Register contract (SysV AMD64). svm_world_switch is called from C (hv/run.c)
; with host GDT/IDT/TR/CR3 loaded, EFER.SVME = 1, VM_HSAVE_PA set, GIF = 0 and
; RFLAGS.IF = 0; w->vmcb_pa names the VMCB to run and w->host_save_pa a VMSAVE
; image of the host's FS/GS/TR/LDTR and syscall MSRs. It saves the callee-saved
; registers (the guest overwrites them all), runs the guest, saves the guest's
; GPRs into w (RAX and RSP are in the VMCB) and returns with GIF = 0, IF = 0.
; Offsets of struct svm_world are asserted in svm/world.h.
;
; Speculation (README "Security"): after every #VMEXIT the return stack
; buffer is overwritten with 32 entries that lead nowhere before svmhv's
; first RET, so no return address the guest trained is ever predicted
; (SpectreRSB, CVE-2018-15572; AMD's guidance for VMEXIT). Without
; V_SPEC_CTRL the guest's SPEC_CTRL is written right before VMRUN and the
; host's right after the #VMEXIT, before any RET (w->spec_ctrl_swap).
; See: APM2 15.5 (VMRUN), 15.5.2 (VMSAVE/VMLOAD), 15.6 (#VMEXIT).

bits 64
default rel

%define W_RBX          0x00
%define W_RCX          0x08
%define W_RDX          0x10
%define W_RSI          0x18
%define W_RDI          0x20
%define W_RBP          0x28
%define W_R8           0x30
%define W_R9           0x38
%define W_R10          0x40
%define W_R11          0x48
%define W_R12          0x50
%define W_R13          0x58
%define W_R14          0x60
%define W_R15          0x68
%define W_VMCB_PA      0x70
%define W_HOST_SAVE_PA 0x78
%define W_HOST_IF      0x80
%define W_SPEC_GUEST   0x88
%define W_SPEC_HOST    0x90
%define W_SPEC_SWAP    0x98
%define MSR_SPEC_CTRL  0x48
%define RSB_ENTRIES    32

section .text
global svm_world_switch
svm_world_switch:
	push rbx                        ; the callee-saved registers: the guest's
	push rbp                        ;   values replace them until we return
	push r12
	push r13
	push r14
	push r15
	push rdi                        ; [rsp] = w
	cmp qword [rdi + W_SPEC_SWAP], 0
	je .no_spec_in                  ; usually: V_SPEC_CTRL, or the host's value
	mov ecx, MSR_SPEC_CTRL          ; the guest's SPEC_CTRL, as late as possible
	mov eax, [rdi + W_SPEC_GUEST]
	mov edx, [rdi + W_SPEC_GUEST + 4]
	wrmsr
.no_spec_in:
	mov rax, rdi                    ; rax = w
	mov rbx, [rax + W_RBX]          ; load the guest GPRs the VMCB does not hold
	mov rcx, [rax + W_RCX]
	mov rdx, [rax + W_RDX]
	mov rsi, [rax + W_RSI]
	mov rdi, [rax + W_RDI]
	mov rbp, [rax + W_RBP]
	mov r8,  [rax + W_R8]
	mov r9,  [rax + W_R9]
	mov r10, [rax + W_R10]
	mov r11, [rax + W_R11]
	mov r12, [rax + W_R12]
	mov r13, [rax + W_R13]
	mov r14, [rax + W_R14]
	mov r15, [rax + W_R15]
	cmp qword [rax + W_HOST_IF], 0
	je .no_if                       ; usually: physical IRQs need no host IF
	sti                             ; vmcb02 with V_INTR_MASKING: L1's IF gates
.no_if:                                 ;   physical IRQs (GIF = 0: none taken here)
	mov rax, [rax + W_VMCB_PA]      ; rax = VMCB physical address (VMRUN operand)
	vmload                          ; [rax]: guest FS/GS/TR/LDTR/KernelGsBase/STAR/SYSENTER
	vmrun                           ; [rax]: run the guest until #VMEXIT
	cli                             ; host IF off again before anything opens GIF
	vmsave                          ; [rax]: keep the guest's hidden state in its VMCB
	mov rax, [rsp]                  ; rax = w (guest RAX is already in the VMCB)
	mov [rax + W_RBX], rbx          ; store the guest GPRs
	mov [rax + W_RCX], rcx
	mov [rax + W_RDX], rdx
	mov [rax + W_RSI], rsi
	mov [rax + W_RDI], rdi
	mov [rax + W_RBP], rbp
	mov [rax + W_R8],  r8
	mov [rax + W_R9],  r9
	mov [rax + W_R10], r10
	mov [rax + W_R11], r11
	mov [rax + W_R12], r12
	mov [rax + W_R13], r13
	mov [rax + W_R14], r14
	mov [rax + W_R15], r15
	mov ecx, RSB_ENTRIES / 2        ; overwrite the RSB: two CALLs per round,
.rsb_fill:                              ;   each return address a speculation trap
	call .rsb_1
.rsb_trap_1:
	pause
	lfence
	jmp .rsb_trap_1
.rsb_1:
	call .rsb_2
.rsb_trap_2:
	pause
	lfence
	jmp .rsb_trap_2
.rsb_2:
	dec ecx
	jnz .rsb_fill
	add rsp, RSB_ENTRIES * 8        ; drop the return addresses the CALLs pushed
	lfence                          ; no speculation past the loop
	cmp qword [rax + W_SPEC_SWAP], 0
	je .no_spec_out
	mov rdi, rax                    ; the host's SPEC_CTRL before any RET
	mov ecx, MSR_SPEC_CTRL
	mov eax, [rdi + W_SPEC_HOST]
	mov edx, [rdi + W_SPEC_HOST + 4]
	wrmsr
	mov rax, rdi
.no_spec_out:
	mov rax, [rax + W_HOST_SAVE_PA]
	vmload                          ; [rax]: restore the host's TR (IST stacks), FS, GS
	pop rdi                         ; w
	pop r15                         ; the host's callee-saved registers
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

global svm_world_start
svm_world_start:
	mov rsp, rdi                    ; the host stack (16-byte aligned top)
	xor ebp, ebp                    ; backtraces stop at this frame
	push 0                          ; fake return address: rsp as after a call
	mov rax, rsi                    ; loop
	mov rdi, rdx                    ; argument: arg
	jmp rax                         ; loop(arg), never returns

section .note.GNU-stack noalloc noexec nowrite progbits
