; SPDX-License-Identifier: MIT
;
; The ExitBootServices hook that parks the CPUs svmhv could not take.
;
;   EFI_STATUS EFIAPI thunk(EFI_HANDLE image, UINTN map_key);   (MS ABI)
;
; The firmware keeps such a CPU until ExitBootServices: EDK2's MpInitLib wakes
; every AP, disabled ones too, with INIT-SIPI-SIPI in its ExitBootServices
; callback and waits until each has moved into its final loop. So svmhv parks
; the CPU only after the firmware's ExitBootServices returns success: this
; blob, copied by boot/efi_park.c into a page of EfiRuntimeServicesCode (it
; must outlive svmhv.efi's image), calls the original service, then asks svmhv
; to park each listed CPU (SVMHV_HC_PARK_CPU, which svmhv serves in host mode:
; INIT to that CPU, its MADT entry cleared). Position independent; the data
; words at its end are filled in by the copier.

bits 64
default rel

section .text
global efi_park_thunk, efi_park_thunk_end, efi_park_orig, efi_park_count, efi_park_cpus
efi_park_thunk:
	push rbx                        ; callee-saved in the MS ABI; VMMCALL returns in it
	sub rsp, 0x20                   ; shadow space; RSP is 16-byte aligned again
	call [efi_park_orig]            ; ExitBootServices(image, map_key), args untouched
	test rax, rax
	jnz .out                        ; failed (stale map key): the caller tries again
	mov r8d, [efi_park_count]
	lea r10, [efi_park_cpus]
.next:
	test r8d, r8d
	jz .ok
	mov ebx, [r10]                  ; RBX = CPU index
	mov eax, 11                     ; RAX = SVMHV_HC_PARK_CPU (hv/hypercall.h)
	vmmcall                         ; svmhv keeps every register but RAX-RDX
	add r10, 4
	dec r8d
	jmp .next
.ok:
	xor eax, eax                    ; EFI_SUCCESS, as the original returned
.out:
	add rsp, 0x20
	pop rbx
	ret
align 8
efi_park_orig:  dq 0                    ; the firmware's ExitBootServices
efi_park_count: dd 0
efi_park_cpus:  times 256 dd 0          ; EFI_PARK_MAX (boot/efi_park.c) indexes
efi_park_thunk_end:
