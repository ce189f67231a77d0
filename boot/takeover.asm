; SPDX-License-Identifier: MIT
;
; The capture point of the blue pill.
;
;   int efi_takeover(hv_entry_fn entry, struct hv_boot_info *info, uint64_t host_cr3);
;   typedef int (*hv_entry_fn)(struct hv_boot_info *info, uint64_t guest_rip,
;                              uint64_t guest_rsp, uint64_t guest_rflags,
;                              uint64_t guest_cr3);
;
; Runs in the firmware's context, in the image the firmware loaded (which it
; maps executable). It saves the callee-saved registers on the firmware stack,
; turns interrupts off, loads svmhv's host page tables (host_cr3, built by
; boot/ in the pool: mm/hostpt.h) and calls entry, which lives in svmhv's
; reserved copy: firmware whose DXE NX policy covers EfiReservedMemoryType
; maps the pool non-executable in its own tables, so no instruction of the
; pool may run on them. entry gets the RIP/RSP/RFLAGS/CR3 the guest must
; resume with (the firmware's CR3, RFLAGS with its IF as it was).
; On success entry never returns: the same CPU comes back at .resume as a
; guest, on the firmware's CR3 (VMRUN loads it), with RAX = 0, and returns 0
; to the caller as if from a plain call.
; On failure entry returns a negative error: the firmware's CR3 and RFLAGS
; are restored and the error returned as it is.
; See: APM2 5.5.2 (CR3 loads flush non-global TLB entries; toggling CR4.PGE
; flushes all of them), 15.5 (VMRUN loads the guest's CR3).

bits 64
default rel

CR4_PGE equ 1 << 7

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
	cli                             ; no firmware code while CR3 is svmhv's
	mov r12, rcx                    ; kept for the failure path
	mov r8, cr3                     ; arg 4: guest_cr3, the firmware's
	mov rbx, r8                     ; kept for the failure path
	mov cr3, rdx                    ; svmhv's host tables: the pool is executable
	mov rax, cr4                    ; a global entry the firmware made for the
	test eax, CR4_PGE               ; pool (NX) survives a CR3 load: flush all
	jz .flushed
	and eax, ~CR4_PGE
	mov cr4, rax
	or eax, CR4_PGE
	mov cr4, rax
.flushed:
	mov rax, rdi                    ; entry
	mov rdi, rsi                    ; arg 0: info
	lea rsi, [.resume]              ; arg 1: guest_rip
	mov rdx, rsp                    ; arg 2: guest_rsp
	call rax                        ; returns only on failure
	mov cr3, rbx                    ; back on the firmware's tables
	push r12
	popfq                           ; and its IF
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
