; handmade.asm: a whole ELF executable written by hand, headers included.
;
; Normally the linker writes the ELF header (what kind of file this is and
; where to start) and the program header (which bytes to load where). Here
; both are spelled out byte by byte, so nasm's flat binary output
; (-f bin) is the finished program. tinyimg sees the "org" line, assembles
; it that way and packages the result after checking it.
;
;   tinyimg build asm/handmade.asm -o handmade.tar
;   docker run --rm handmade                 # Hello World

        BITS 32
        org 0x08048000                  ; where Linux maps the file

ehdr:                                   ; the ELF header (52 bytes)
        db 0x7f, "ELF"                  ; magic number
        db 1, 1, 1, 0                   ; 32-bit, little-endian, version 1, System V
        times 8 db 0                    ; padding (must stay zero: see README)
        dw 2                            ; e_type: an executable
        dw 3                            ; e_machine: Intel 386
        dd 1                            ; e_version
        dd _start                       ; e_entry: the first instruction
        dd phdr - $$                    ; e_phoff: where the program header is
        dd 0                            ; e_shoff: no section headers
        dd 0                            ; e_flags
        dw ehdrsize                     ; e_ehsize
        dw phdrsize                     ; e_phentsize
        dw 1                            ; e_phnum: one program header
        dw 0, 0, 0                      ; no sections
ehdrsize equ $ - ehdr

phdr:                                   ; the program header (32 bytes)
        dd 1                            ; p_type: PT_LOAD, map these bytes
        dd 0                            ; p_offset: from the file's start
        dd $$                           ; p_vaddr: to this address
        dd $$                           ; p_paddr
        dd filesize                     ; p_filesz: this many bytes of file
        dd filesize                     ; p_memsz: into this much memory
        dd 5                            ; p_flags: readable and executable
        dd 0x1000                       ; p_align
phdrsize equ $ - phdr

_start:
        mov edx, len                    ; write(1, msg, len)
        mov ecx, msg
        mov ebx, 1
        mov eax, 4
        int 0x80
        xor ebx, ebx                    ; exit(0)
        mov eax, 1
        int 0x80

msg:    db "Hello World", 10
len     equ $ - msg

filesize equ $ - $$
