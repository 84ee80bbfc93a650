; bss.asm: use memory from .bss, which takes no room in the file (32-bit).
;
; Variables in .bss start as zero bytes that the kernel provides when it
; loads the program; the file only records how many. This copies a message
; into a .bss buffer letter by letter, upper-casing it, and prints it.
;
;   tinyimg build asm/bss.asm -o bss.tar
;   docker run --rm bss                      # HELLO FROM BSS

        BITS 32

        SECTION .data
msg:    db "hello from bss", 10
len:    equ $ - msg

        SECTION .bss
buffer: resb 4096               ; 4 KiB in memory, 0 bytes in the file

        SECTION .text
        global _start
_start:
        xor ecx, ecx            ; ecx counts the letters copied
copy:
        mov al, [msg + ecx]
        cmp al, 'a'             ; lower-case letters become upper-case
        jb store
        cmp al, 'z'
        ja store
        sub al, 'a' - 'A'
store:
        mov [buffer + ecx], al
        inc ecx
        cmp ecx, len
        jb copy

        mov edx, len            ; write(1, buffer, len)
        mov ecx, buffer
        mov ebx, 1
        mov eax, 4
        int 0x80
        xor ebx, ebx            ; exit(0)
        mov eax, 1
        int 0x80
