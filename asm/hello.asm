; hello.asm: the smallest useful program, talking to Linux directly.
;
; A program cannot draw on the screen or write a file by itself: it asks
; the operating system kernel to do it. Such a request is a *system call*.
; On 32-bit x86 Linux a program makes one by putting a call number in the
; register eax, the arguments in ebx, ecx and edx, and then executing
; "int 0x80", which hands control to the kernel. The kernel does the work
; and returns to the next instruction with a result in eax.
;
; This program makes two system calls:
;   write(1, message, 12)   print the message on standard output (fd 1)
;   exit(0)                 end the program with status 0 ("success")
;
; Build an image from it:  tinyimg build asm/hello.asm -o hello.tar

        BITS 32

        SECTION .data
msg:    db "Hello World", 10    ; the text; 10 is the newline character
len:    equ $ - msg             ; its length: here ($) minus its start

        SECTION .text
        global _start           ; the linker starts the program here
_start:
        mov edx, len            ; 3rd argument: how many bytes to write
        mov ecx, msg            ; 2nd argument: where the bytes are
        mov ebx, 1              ; 1st argument: file descriptor 1, stdout
        mov eax, 4              ; system call number 4 is write
        int 0x80                ; ask the kernel

        mov ebx, 0              ; exit status 0 means success
        mov eax, 1              ; system call number 1 is exit
        int 0x80                ; ask the kernel; it never returns
