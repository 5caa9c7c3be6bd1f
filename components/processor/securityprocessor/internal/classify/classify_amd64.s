#include "textflag.h"

// Each constant is one byte repeated 32 times.
DATA c30<>+0(SB)/8, $0x3030303030303030
DATA c30<>+8(SB)/8, $0x3030303030303030
DATA c30<>+16(SB)/8, $0x3030303030303030
DATA c30<>+24(SB)/8, $0x3030303030303030
GLOBL c30<>(SB), (NOPTR+RODATA), $32

DATA c09<>+0(SB)/8, $0x0909090909090909
DATA c09<>+8(SB)/8, $0x0909090909090909
DATA c09<>+16(SB)/8, $0x0909090909090909
DATA c09<>+24(SB)/8, $0x0909090909090909
GLOBL c09<>(SB), (NOPTR+RODATA), $32

DATA c20<>+0(SB)/8, $0x2020202020202020
DATA c20<>+8(SB)/8, $0x2020202020202020
DATA c20<>+16(SB)/8, $0x2020202020202020
DATA c20<>+24(SB)/8, $0x2020202020202020
GLOBL c20<>(SB), (NOPTR+RODATA), $32

DATA c61<>+0(SB)/8, $0x6161616161616161
DATA c61<>+8(SB)/8, $0x6161616161616161
DATA c61<>+16(SB)/8, $0x6161616161616161
DATA c61<>+24(SB)/8, $0x6161616161616161
GLOBL c61<>(SB), (NOPTR+RODATA), $32

DATA c19<>+0(SB)/8, $0x1919191919191919
DATA c19<>+8(SB)/8, $0x1919191919191919
DATA c19<>+16(SB)/8, $0x1919191919191919
DATA c19<>+24(SB)/8, $0x1919191919191919
GLOBL c19<>(SB), (NOPTR+RODATA), $32

DATA cfc<>+0(SB)/8, $0xfcfcfcfcfcfcfcfc
DATA cfc<>+8(SB)/8, $0xfcfcfcfcfcfcfcfc
DATA cfc<>+16(SB)/8, $0xfcfcfcfcfcfcfcfc
DATA cfc<>+24(SB)/8, $0xfcfcfcfcfcfcfcfc
GLOBL cfc<>(SB), (NOPTR+RODATA), $32

DATA c28<>+0(SB)/8, $0x2828282828282828
DATA c28<>+8(SB)/8, $0x2828282828282828
DATA c28<>+16(SB)/8, $0x2828282828282828
DATA c28<>+24(SB)/8, $0x2828282828282828
GLOBL c28<>(SB), (NOPTR+RODATA), $32

DATA csp<>+0(SB)/8, $0x2020202020202020
DATA csp<>+8(SB)/8, $0x2020202020202020
DATA csp<>+16(SB)/8, $0x2020202020202020
DATA csp<>+24(SB)/8, $0x2020202020202020
GLOBL csp<>(SB), (NOPTR+RODATA), $32

DATA c2c<>+0(SB)/8, $0x2c2c2c2c2c2c2c2c
DATA c2c<>+8(SB)/8, $0x2c2c2c2c2c2c2c2c
DATA c2c<>+16(SB)/8, $0x2c2c2c2c2c2c2c2c
DATA c2c<>+24(SB)/8, $0x2c2c2c2c2c2c2c2c
GLOBL c2c<>(SB), (NOPTR+RODATA), $32

DATA c2e<>+0(SB)/8, $0x2e2e2e2e2e2e2e2e
DATA c2e<>+8(SB)/8, $0x2e2e2e2e2e2e2e2e
DATA c2e<>+16(SB)/8, $0x2e2e2e2e2e2e2e2e
DATA c2e<>+24(SB)/8, $0x2e2e2e2e2e2e2e2e
GLOBL c2e<>(SB), (NOPTR+RODATA), $32

DATA c3a<>+0(SB)/8, $0x3a3a3a3a3a3a3a3a
DATA c3a<>+8(SB)/8, $0x3a3a3a3a3a3a3a3a
DATA c3a<>+16(SB)/8, $0x3a3a3a3a3a3a3a3a
DATA c3a<>+24(SB)/8, $0x3a3a3a3a3a3a3a3a
GLOBL c3a<>(SB), (NOPTR+RODATA), $32

DATA c3b<>+0(SB)/8, $0x3b3b3b3b3b3b3b3b
DATA c3b<>+8(SB)/8, $0x3b3b3b3b3b3b3b3b
DATA c3b<>+16(SB)/8, $0x3b3b3b3b3b3b3b3b
DATA c3b<>+24(SB)/8, $0x3b3b3b3b3b3b3b3b
GLOBL c3b<>(SB), (NOPTR+RODATA), $32

DATA c3f<>+0(SB)/8, $0x3f3f3f3f3f3f3f3f
DATA c3f<>+8(SB)/8, $0x3f3f3f3f3f3f3f3f
DATA c3f<>+16(SB)/8, $0x3f3f3f3f3f3f3f3f
DATA c3f<>+24(SB)/8, $0x3f3f3f3f3f3f3f3f
GLOBL c3f<>(SB), (NOPTR+RODATA), $32

DATA c29<>+0(SB)/8, $0x2929292929292929
DATA c29<>+8(SB)/8, $0x2929292929292929
DATA c29<>+16(SB)/8, $0x2929292929292929
DATA c29<>+24(SB)/8, $0x2929292929292929
GLOBL c29<>(SB), (NOPTR+RODATA), $32

// CLASSIFY32 classifies the 32 bytes at off(SI) into the 32-bit masks
// (general registers) alnum, digit, punct, letter, space and wpunct, with
// the same tests as genericBlock: a digit is b-'0' <= 9 unsigned, a letter
// (b|0x20)-'a' <= 25 unsigned, the number signs b&0xfc == '(', and the
// others are compared byte for byte. Y8-Y15 and Y4-Y7 hold the constants.
#define CLASSIFY32(off, alnum, digit, punct, letter, space, wpunct) \
	VMOVDQU off(SI), Y0 \
	VPSUBB  Y8, Y0, Y1 \
	VPMINUB Y9, Y1, Y2 \
	VPCMPEQB Y2, Y1, Y1 \
	VPOR    Y10, Y0, Y2 \
	VPSUBB  Y11, Y2, Y2 \
	VPMINUB Y12, Y2, Y3 \
	VPCMPEQB Y3, Y2, Y2 \
	VPMOVMSKB Y2, letter \
	VPOR    Y1, Y2, Y2 \
	VPMOVMSKB Y2, alnum \
	VPMOVMSKB Y1, digit \
	VPAND   Y13, Y0, Y3 \
	VPCMPEQB Y14, Y3, Y3 \
	VPMOVMSKB Y3, punct \
	VPCMPEQB Y15, Y0, Y3 \
	VPMOVMSKB Y3, space \
	VPCMPEQB Y4, Y0, Y1 \
	VPCMPEQB Y5, Y0, Y2 \
	VPOR    Y2, Y1, Y1 \
	VPCMPEQB Y6, Y0, Y2 \
	VPOR    Y2, Y1, Y1 \
	VPCMPEQB Y7, Y0, Y2 \
	VPOR    Y2, Y1, Y1 \
	VPCMPEQB c3f<>(SB), Y0, Y2 \
	VPOR    Y2, Y1, Y1 \
	VPCMPEQB c29<>(SB), Y0, Y2 \
	VPOR    Y2, Y1, Y1 \
	VPMOVMSKB Y1, wpunct

// func blocksAVX2(p *byte, n int, out *Block)
TEXT ·blocksAVX2(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ out+16(FP), DI
	TESTQ CX, CX
	JZ   done
	VMOVDQU c30<>(SB), Y8
	VMOVDQU c09<>(SB), Y9
	VMOVDQU c20<>(SB), Y10
	VMOVDQU c61<>(SB), Y11
	VMOVDQU c19<>(SB), Y12
	VMOVDQU cfc<>(SB), Y13
	VMOVDQU c28<>(SB), Y14
	VMOVDQU csp<>(SB), Y15
	VMOVDQU c2c<>(SB), Y4
	VMOVDQU c2e<>(SB), Y5
	VMOVDQU c3a<>(SB), Y6
	VMOVDQU c3b<>(SB), Y7

loop:
	// The low half of each mask, then the high half: 32-bit stores,
	// little-endian, so that six registers do.
	CLASSIFY32(0, AX, BX, DX, R8, R9, R10)
	MOVL AX, 0(DI)
	MOVL BX, 8(DI)
	MOVL DX, 16(DI)
	MOVL R8, 24(DI)
	MOVL R9, 32(DI)
	MOVL R10, 40(DI)
	CLASSIFY32(32, AX, BX, DX, R8, R9, R10)
	MOVL AX, 4(DI)
	MOVL BX, 12(DI)
	MOVL DX, 20(DI)
	MOVL R8, 28(DI)
	MOVL R9, 36(DI)
	MOVL R10, 44(DI)
	ADDQ $64, SI
	ADDQ $48, DI
	DECQ CX
	JNZ  loop
	VZEROUPPER

done:
	RET
