; args.asm: print each command-line argument on its own line (32-bit).
;
; When Linux starts a program, the stack holds the argument count and then
; pointers to each argument string (argv[0] is the program's own path),
; ending with a null pointer. This walks that list and writes each string
; with the write system call, followed by a newline.
;
;   tinyimg build asm/args.asm -o args.tar
;   docker run --rm args one "two words"     # /args, one, two words

        BITS 32

        SECTION .data
newline: db 10

        SECTION .text
        global _start
_start:
        lea esi, [esp + 4]      ; esi points at argv[0]
next:
        mov ecx, [esi]          ; ecx = the next argument string
        test ecx, ecx           ; a null pointer ends the list
        jz done
        mov edx, ecx            ; find its length: scan for the 0 byte
length:
        cmp byte [edx], 0
        je found
        inc edx
        jmp length
found:
        sub edx, ecx            ; edx = length
        mov ebx, 1              ; write(1, ecx, edx)
        mov eax, 4
        int 0x80
        mov ecx, newline        ; write(1, "\n", 1)
        mov edx, 1
        mov ebx, 1
        mov eax, 4
        int 0x80
        add esi, 4              ; on to the next pointer
        jmp next
done:
        xor ebx, ebx            ; exit(0)
        mov eax, 1
        int 0x80
