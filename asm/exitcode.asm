; exitcode.asm: exit with the status given as the first argument (64-bit).
;
; "exitcode 42" ends with status 42; no argument means 0. The argument's
; decimal digits are turned into a number by hand: n = n*10 + digit.
;
;   tinyimg build asm/exitcode.asm -o exitcode.tar
;   docker run --rm exitcode 42; echo $?    # 42

        BITS 64

        SECTION .text
        global _start
_start:
        xor edi, edi            ; the status, 0 unless an argument says
        cmp qword [rsp], 2      ; argc < 2: no argument
        jb done
        mov rsi, [rsp + 16]     ; argv[1]
digit:
        movzx eax, byte [rsi]
        sub eax, '0'            ; not a digit (or the final 0 byte): stop
        cmp eax, 9
        ja done
        imul edi, edi, 10
        add edi, eax
        inc rsi
        jmp digit
done:
        mov eax, 60             ; exit(edi)
        syscall
