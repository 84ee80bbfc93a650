; hello64.asm: hello.asm for 64-bit x86 (amd64) Linux.
;
; 64-bit Linux programs ask the kernel for services with the "syscall"
; instruction rather than "int 0x80", and the numbers and registers differ:
; the call number goes in rax, the arguments in rdi, rsi and rdx.
;   write = 1, exit = 60
;
; tinyimg sees "BITS 64" and builds for amd64:
;   tinyimg build asm/hello64.asm -o hello64.tar

        BITS 64

        SECTION .data
msg:    db "Hello World", 10    ; the text; 10 is the newline character
len:    equ $ - msg             ; its length

        SECTION .text
        global _start
_start:
        mov eax, 1              ; system call 1 is write (upper half of
                                ; rax is cleared by writing eax: shorter)
        mov edi, eax            ; 1st argument: file descriptor 1, stdout
        mov esi, msg            ; 2nd argument: where the bytes are (the
                                ; program lives below 4 GiB, so 32 bits do)
        mov edx, len            ; 3rd argument: how many bytes
        syscall                 ; ask the kernel

        mov eax, 60             ; system call 60 is exit
        xor edi, edi            ; exit status 0 means success
        syscall
