; SPDX-License-Identifier: MIT
;
; The capture point of the blue pill.
;
;   int efi_takeover(hv_entry_fn entry, struct hv_boot_info *info);
;   typedef int (*hv_entry_fn)(struct hv_boot_info *info, uint64_t guest_rip,
;                              uint64_t guest_rsp, uint64_t guest_rflags);
;
; Runs in the firmware's context, in the image the firmware loaded. It saves
; the callee-saved registers on the firmware stack and calls entry (which lives
; in svmhv's reserved copy) with the RIP/RSP/RFLAGS the guest must resume with.
; On success entry never returns: the same CPU comes back at .resume as a
; guest, with RAX = 0, and returns 0 to the caller as if from a plain call.
; On failure entry returns a negative error, which is returned as it is.

bits 64
default rel

section .text
global efi_takeover
efi_takeover:
	push rbp                        ; callee-saved registers of the SysV ABI
	push rbx
	push r12
	push r13
	push r14
	push r15
	sub rsp, 8                      ; 16-byte alignment for the call below
	pushfq                          ; the guest resumes with today's RFLAGS (IF)
	pop rcx                         ; arg 3: guest_rflags
	mov rax, rdi                    ; entry
	mov rdi, rsi                    ; arg 0: info
	lea rsi, [.resume]              ; arg 1: guest_rip
	mov rdx, rsp                    ; arg 2: guest_rsp
	call rax                        ; returns only on failure
	jmp .out
.resume:                                ; first guest instruction after the blue pill
	xor eax, eax                    ; success
.out:
	add rsp, 8
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
