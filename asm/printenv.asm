; printenv.asm: print every environment variable, one per line (64-bit).
;
; The environment comes right after the arguments on the initial stack:
; argc, argv[0..argc-1], a null pointer, then pointers to "KEY=VALUE"
; strings, ending with another null pointer.
;
;   tinyimg build asm/printenv.asm --env GREETING=hi -o printenv.tar
;   docker run --rm printenv                 # ... GREETING=hi ...

        BITS 64

        SECTION .data
newline: db 10

        SECTION .text
        global _start
_start:
        mov rax, [rsp]          ; argc
        lea rbx, [rsp + 8*rax + 16] ; skip argc, argv and its null pointer
next:
        mov rsi, [rbx]          ; rsi = the next "KEY=VALUE" string
        test rsi, rsi
        jz done
        mov rdx, rsi            ; its length: scan for the 0 byte
length:
        cmp byte [rdx], 0
        je found
        inc rdx
        jmp length
found:
        sub rdx, rsi
        mov edi, 1              ; write(1, rsi, rdx)
        mov eax, 1
        syscall
        mov edi, 1              ; write(1, "\n", 1)
        mov esi, newline
        mov edx, 1
        mov eax, 1
        syscall
        add rbx, 8
        jmp next
done:
        xor edi, edi            ; exit(0)
        mov eax, 60
        syscall
