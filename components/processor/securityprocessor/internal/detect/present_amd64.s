#include "textflag.h"

// Offsets in tokenScan (present_amd64.go).
#define T 0
#define TLEN 8
#define STARTS 16
#define NSTARTS 24
#define NEXT 32
#define HITS 40
#define NHITS 48
#define CAPHITS 56
#define SET 64
#define SLOT 72
#define THIRD 80
#define SLOW 88
#define CANDS 96
#define HASLONG 104
#define SHORT 112

// Offsets in anchorCand: a (pointer, length), head, mask, id, exact, start.
#define C_LEN 8
#define C_HEAD 16
#define C_MASK 24
#define C_ID 32
#define C_EXACT 40
#define C_START 41
#define C_SIZE 48

// RECORD_SHORT records the one-byte anchor 1+DI at CX, in the set and the
// hits; it uses BX, R9 and R14 and clears DI.
#define RECORD_SHORT \
	DECQ DI \
	MOVQ DI, BX \
	SHRQ $6, BX \
	MOVQ SET(SI), R14 \
	MOVQ (R14)(BX*8), R9 \
	BTSQ DI, R9 \
	MOVQ R9, (R14)(BX*8) \
	MOVQ NHITS(SI), BX \
	SHLQ $4, BX \
	MOVQ DI, (R13)(BX*1) \
	MOVQ CX, 8(R13)(BX*1) \
	INCQ NHITS(SI) \
	XORL DI, DI

// func presentTokensAsm(st *tokenScan)
//
// SI st, R8 the text, R10 the starts, R12 the next start's index, R13 the
// hits, CX the token's position, DX its first eight bytes, DI 1+ the id of
// a one-byte anchor it starts with (or 0), R11 and R15 the anchor list
// being checked; AX, BX, R9 and R14 are scratch.
TEXT ·presentTokensAsm(SB), NOSPLIT, $0-8
	MOVQ st+0(FP), SI
	MOVQ T(SI), R8
	MOVQ STARTS(SI), R10
	MOVQ NEXT(SI), R12
	MOVQ HITS(SI), R13

token:
	XORL DI, DI
	CMPQ R12, NSTARTS(SI)
	JGE  out
	// Room for a one-byte anchor and a whole list (maxListLen).
	MOVQ CAPHITS(SI), AX
	SUBQ NHITS(SI), AX
	CMPQ AX, $17
	JLT  out
	MOVLQSX (R10)(R12*4), CX
	LEAQ 8(CX), AX
	CMPQ AX, TLEN(SI)
	JGT  out
	MOVQ (R8)(CX*1), DX
	MOVBLZX DL, AX
	MOVQ SLOW(SI), R9
	CMPB (R9)(AX*1), $0
	JNE  short

lookup:
	// AX: the first byte.
	SUBL $97, AX
	CMPL AX, $26
	JCC  out
	MOVL DX, R9
	SHRL $8, R9
	MOVBLZX R9B, R9
	SUBL $97, R9
	CMPL R9, $26
	JCC  out
	IMULL $26, AX
	ADDL R9, AX
	IMULL $28, AX
	MOVL DX, R9
	SHRL $16, R9
	MOVBLZX R9B, R9
	MOVQ THIRD(SI), R14
	MOVBLZX (R14)(R9*1), R9
	ADDL R9, AX
	MOVQ SLOT(SI), R14
	MOVWLZX (R14)(AX*2), AX
	TESTL AX, AX
	JZ   noanchors
	DECL AX
	MOVQ HASLONG(SI), R14
	CMPB (R14)(AX*1), $0
	JNE  longlist

list:
	// AX: the list's index.
	TESTQ DI, DI
	JZ   cands
	RECORD_SHORT

cands:
	IMULQ $24, AX
	ADDQ CANDS(SI), AX
	MOVQ 8(AX), R15
	MOVQ 0(AX), R11

cand:
	MOVQ DX, AX
	ANDQ C_MASK(R11), AX
	CMPQ AX, C_HEAD(R11)
	JNE  nextcand
	CMPB C_EXACT(R11), $0
	JEQ  record
	MOVQ C_LEN(R11), AX
	ADDQ CX, AX
	CMPQ AX, TLEN(SI)
	JGE  record
	MOVBLZX (R8)(AX*1), AX
	ORL  $0x20, AX
	SUBL $97, AX
	CMPL AX, $26
	JCS  nextcand

record:
	MOVQ C_ID(R11), AX
	MOVQ AX, BX
	SHRQ $6, BX
	MOVQ SET(SI), R14
	MOVQ (R14)(BX*8), R9
	BTSQ AX, R9
	MOVQ R9, (R14)(BX*8)
	CMPB C_START(R11), $0
	JEQ  nextcand
	MOVQ NHITS(SI), BX
	SHLQ $4, BX
	MOVQ AX, (R13)(BX*1)
	MOVQ CX, 8(R13)(BX*1)
	INCQ NHITS(SI)

nextcand:
	ADDQ $C_SIZE, R11
	DECQ R15
	JNZ  cand

nexttok:
	INCQ R12
	JMP  token

noanchors:
	TESTQ DI, DI
	JZ   nexttok
	RECORD_SHORT
	JMP  nexttok

short:
	// A one-byte anchor that is a letter ("i") is recorded first, once the
	// token is known to be taken here (DI holds 1+ its id); a quote or a
	// bracket is left to presentToken.
	MOVQ SHORT(SI), R9
	MOVQ (R9)(AX*8), DI
	TESTQ DI, DI
	JZ   out
	JMP  lookup

longlist:
	// The list holds an anchor longer than eight bytes: if its first eight
	// bytes match, the token is left to presentToken, before anything of
	// it is recorded.
	MOVQ AX, BX
	IMULQ $24, BX
	ADDQ CANDS(SI), BX
	MOVQ 8(BX), R15
	MOVQ 0(BX), R11

longcand:
	CMPQ C_LEN(R11), $8
	JLE  longnext
	MOVQ DX, R9
	ANDQ C_MASK(R11), R9
	CMPQ R9, C_HEAD(R11)
	JEQ  out

longnext:
	ADDQ $C_SIZE, R11
	DECQ R15
	JNZ  longcand
	JMP  list

out:
	MOVQ R12, NEXT(SI)
	RET
