; tiny.asm: "Hello World" as an 86-byte i386 Linux program, headers and all.
;
; asm/handmade.asm is the readable version: the same program with every
; ELF field in bytes of its own (127 bytes). Read it first. This one is
; squeezed: fields share bytes wherever the loaders allow it, and some of
; the header is code. It still runs everywhere handmade.asm runs:
;   - natively, on a Linux kernel that runs 386 programs (fs/binfmt_elf.c);
;   - under qemu-user (linux-user/elfload.c, checked against qemu 7.2),
;     started by hand or by the standard binfmt_misc entry for i386, which
;     is how hosts without ia32 support run it (and docker on them);
;   - past tinyimg's own checks (src/elf.c).
;
; Build and run:
;   nasm -f bin -o tiny asm/tiny.asm && chmod +x tiny && ./tiny
;   qemu-i386-static ./tiny
;   tinyimg build asm/tiny.asm -o tiny.tar   # the org line: nasm -f bin
;   docker load -i tiny.tar && docker run --rm tiny
;
; The file at a glance ("A | B": fields A and B are the same bytes):
;
;   bytes  ELF header             program header   value
;    0-19  identification, type, machine           fixed, see rule 1
;   20-23  e_version                               1
;   24-27  e_entry                                 _start = 0x00200039
;   28-31  e_phoff                                 32
;   32-35  e_shoff              | p_type           1 (PT_LOAD)
;   36-39  e_flags              | p_offset         52
;   40-43  e_ehsize e_phentsize | p_vaddr          52 32 | 0x00200034
;   44-47  e_phnum e_shentsize  | p_paddr          1 40  | 0x00280001
;   48-51  e_shnum e_shstrndx   | p_filesz         34 0  | 34
;   52-55                         p_memsz          34
;   56-59                         p_flags | code   5 (R+X) in the low byte
;   60-63                         p_align | code
;   64-73  code
;   74-85  "Hello World", 10
;
; The rules that decide which bytes may be shared:
;   1. Bytes 0-19 must match the binfmt_misc entry that hands i386 programs
;      to qemu: "\x7fELF", class 1 (32-bit), data 1 (little-endian), version
;      1, e_ident padding 8-15 zero, e_type 2, e_machine 3. The mask lets
;      byte 7 (OS/ABI) be anything, but one loose byte holds nothing useful.
;   2. qemu insists on e_ehsize = 52 and e_phentsize = 32, the kernel on
;      e_phentsize = 32 and a table of 1 to 2048 headers inside the file,
;      tinyimg on e_ehsize = 52.
;   3. Nobody loading a program reads e_version (qemu checks only the
;      version byte 6), e_shoff, e_shnum, e_shstrndx or e_shentsize
;      (section headers are for linkers and debuggers; qemu's -d logging
;      looks in them for symbols and gives up at once here, as 34 headers
;      of 40 bytes do not fit in 86 bytes), or e_flags (i386 defines none).
;      The program header may lie on top of them.
;   4. In the program header nobody reads p_paddr; p_align is used only to
;      place programs that can be moved (ET_DYN; this is ET_EXEC, loaded
;      exactly where it says); of p_flags only the R, W and X bits count.
;   5. The loaders mmap() whole 4096-byte pages, so p_offset and p_vaddr
;      must be equal modulo 4096. Also p_filesz <= p_memsz, the segment lies
;      inside the file (tinyimg), above 64 KiB (vm.mmap_min_addr) and below
;      2 GiB (where the kernel's half may begin), and e_entry lies inside
;      its file bytes.
;
; Why the program header starts at byte 32 (handmade.asm: at byte 52).
; Its first fields land on ELF header fields, so only some offsets work:
;   44  p_type = e_phnum (1) and p_offset = e_shnum, e_shstrndx (0): the
;       usual trick, which overlaps 8 bytes.
;   40  p_type = e_ehsize, e_phentsize = 0x00200034: not PT_LOAD.
;   36  p_type = e_flags (free), but p_offset = 0x00200034: past the end.
;   32  p_type = e_shoff and p_offset = e_flags, both free (rule 3), and
;       p_vaddr = e_ehsize, e_phentsize: 52 and 32 (rule 2), one
;       little-endian word that says 0x00200034. So the segment starts at
;       address 0x00200034, in the page at 0x00200000 (2 MiB: above 64 KiB,
;       far below the kernel's half), and by rule 5 at file offset 52,
;       right after the ELF header. That is why org is 0x00200000. This
;       overlaps 20 bytes: the deepest that works.
;   28, 24  p_type = e_phoff (28) or e_entry: not PT_LOAD.
;   20  p_type = e_version (1 would do), but p_vaddr = e_phoff = 20, an
;       address below 64 KiB. Below 20, p_type would be fixed bytes of
;       rule 1, none of which read as 1.
; Everything the program uses (its code and its text) lies in bytes 52-85,
; the file bytes its one segment maps; bytes 0-51 are mapped too (mmap works
; on whole pages) but the program does not count on that.
;
; The code counts on one more thing: Linux starts a program with every
; general register but esp at zero (ELF_PLAT_INIT in the kernel; qemu-user
; clears its register file the same way), so the two-byte "mov al, 4" sets
; all of eax, "mov dl, 12" all of edx and the one-byte "inc ebx" makes 1.

        BITS 32
base    equ 0x00200000                  ; forced by p_vaddr, see above
        org base                        ; the file's first byte is mapped here

; ---- bytes 0-31: the ELF header alone ----------------------------------
ehdr:
        db 0x7f, "ELF"                  ;  0- 3 magic number
        db 1                            ;  4    EI_CLASS: 32-bit
        db 1                            ;  5    EI_DATA: little-endian
        db 1                            ;  6    EI_VERSION: 1
        db 0                            ;  7    EI_OSABI: System V
        times 8 db 0                    ;  8-15 padding: zero (rule 1)
        dw 2                            ; 16-17 e_type: ET_EXEC
        dw 3                            ; 18-19 e_machine: EM_386
        dd 1                            ; 20-23 e_version: 1 (unread)
        dd _start                       ; 24-27 e_entry: the first instruction
        dd phdr - $$                    ; 28-31 e_phoff: 32

; ---- bytes 32-51: the ELF header's tail IS the program header's head ----
phdr:
        dd 1                            ; 32-35 e_shoff: "section headers
                                        ;       at byte 1", never read
                                        ;     | p_type: 1 = PT_LOAD
        dd segstart - $$                ; 36-39 e_flags: 52; i386 defines
                                        ;       none, loaders ignore them
                                        ;     | p_offset: 52, where the
                                        ;       segment starts in the file
        dw ehdrsize                     ; 40-41 e_ehsize: 52
        dw phdrsize                     ; 42-43 e_phentsize: 32
                                        ;     | 40-43 p_vaddr: 0x00200034,
                                        ;       52 + 32 * 65536: the address
                                        ;       of file byte 52 (segstart)
        dw 1                            ; 44-45 e_phnum: one program header
        dw 40                           ; 46-47 e_shentsize: 40, the true
                                        ;       size (some old qemu checked)
                                        ;     | 44-47 p_paddr: 0x00280001,
                                        ;       a physical address, unread
        dw segsize                      ; 48-49 e_shnum: 34, never read
        dw 0                            ; 50-51 e_shstrndx: 0, never read
                                        ;     | 48-51 p_filesz: 34 bytes
ehdrsize equ $ - ehdr                   ; the ELF header ends here: 52 bytes
phdrsize equ 32                         ; sizeof(Elf32_Phdr): the program
                                        ; header goes on to byte 63

; ---- bytes 52-85: the segment, where the program header goes on --------
segstart:
        dd segsize                      ; 52-55 p_memsz: 34, as p_filesz
        db 5                            ; 56    p_flags bits 0-7: R+X
                                        ;       (bits 8-31 are code, unread)
_start:                                 ; e_entry: write(1, msg, 12)
        mov al, 4                       ; 57-58 b0 04: eax = 4, write
                                        ;     | p_flags bits 8-23
        inc ebx                         ; 59    43: ebx = 1, stdout
                                        ;     | p_flags bits 24-31
        mov ecx, msg                    ; 60-64 b9 4a 00 20 00: ecx = msg
                                        ;     | 60-63 p_align, unread; the
                                        ;       program header ends at 63
        mov dl, len                     ; 65-66 b2 0c: edx = 12
        int 0x80                        ; 67-68 cd 80: call the kernel
        mov eax, ebx                    ; 69-70 89 d8: eax = 1, exit ...
        dec ebx                         ; 71    4b: ... with status 0
        int 0x80                        ; 72-73 cd 80: call the kernel

msg:    db "Hello World", 10            ; 74-85 the text
len     equ $ - msg

segsize equ $ - segstart                ; 34: the segment's size

; ---- checks: nasm stops here if an edit breaks an overlap ---------------
; "assert X" emits nothing when X holds; when it does not, nasm fails with
; "TIMES value -1 is negative" on that line. (Labels are addresses; a
; label minus $$ is a file offset.)
%macro assert 1
        times -!(%1) db 0
%endmacro
        assert ehdrsize == 52           ; e_ehsize (rule 2)
        assert phdrsize == 32           ; e_phentsize (rule 2)
        assert segstart - $$ == 52      ; p_offset: just after the ELF header
        assert ehdrsize + phdrsize * 65536 == base + 52 ; p_vaddr: its address
        assert base % 4096 == 0         ; so p_vaddr = p_offset mod 4096
        assert base >= 65536            ; above vm.mmap_min_addr (rule 5)
        assert base + ($ - $$) <= 0x80000000 ; below the kernel's half
        assert _start - segstart >= 0   ; e_entry inside the segment ...
        assert _start - segstart < segsize ; ... and its file bytes
        assert len < 256                ; mov dl, len: a one-byte operand
        assert segsize < 65536          ; so e_shstrndx (p_filesz) is 0
