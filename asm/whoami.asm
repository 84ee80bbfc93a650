; whoami.asm: print the user id and the working directory (64-bit).
;
; Two more system calls: getuid (102) answers with a number, which is
; turned into decimal digits here; getcwd (79) fills a buffer with the
; current directory's path.
;
;   tinyimg build asm/whoami.asm --user 1000 --workdir /tmp -o whoami.tar
;   docker run --rm whoami                   # uid=1000 cwd=/tmp

        BITS 64

        SECTION .data
uidtxt: db "uid="
cwdtxt: db " cwd="
newline: db 10

        SECTION .bss
digits: resb 24                 ; the user id in decimal, built backwards
cwd:    resb 4096               ; the working directory

        SECTION .text
        global _start
_start:
        mov esi, uidtxt         ; write(1, "uid=", 4)
        mov edx, 4
        call print
        mov eax, 102            ; getuid()
        syscall
        lea rsi, [digits + 24]  ; write the digits from the end backwards
        mov ecx, 10
todec:
        xor edx, edx
        div rcx                 ; rax = rax / 10, rdx = the last digit
        add dl, '0'
        dec rsi
        mov [rsi], dl
        test rax, rax
        jnz todec
        lea rdx, [digits + 24]
        sub rdx, rsi            ; how many digits
        call print
        mov esi, cwdtxt         ; write(1, " cwd=", 5)
        mov edx, 5
        call print
        mov edi, cwd            ; getcwd(cwd, 4096): rax = length with the 0
        mov esi, 4096
        mov eax, 79
        syscall
        lea rdx, [rax - 1]
        mov esi, cwd
        call print
        mov esi, newline
        mov edx, 1
        call print
        xor edi, edi            ; exit(0)
        mov eax, 60
        syscall

print:                          ; write(1, rsi, rdx)
        mov edi, 1
        mov eax, 1
        syscall
        ret
