/*
 * bitpack.c - unpacking the bit-packed values of format/encoding.md.
 *
 * Value i of a packed area occupies bits i*w to i*w + w - 1 of a
 * little-endian bit stream [F-ENC-020]: bit k is bit k % 8 of byte
 * k / 8. Eight values therefore take exactly w bytes, and the j-th
 * value of such a group starts at bit j*w of it.
 *
 * Every scan goes through here, so the unpacker is specialised per
 * width: for a constant w the eight byte offsets and shifts of a group
 * are constants, and each value costs one unaligned 64-bit load, a
 * shift, a mask and an add (two loads when a value straddles nine
 * bytes, which only w >= 58 can do). The group loop runs only while the
 * whole 64-bit load of its last value stays inside the packed area;
 * the last few values are unpacked from a zero-padded copy, so nothing
 * past the area is ever read.
 */
#include "enc.h"

static inline uint64_t ld64(const uint8_t *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/* Bytes a group's loads touch from its start: the last value starts in
 * byte 7w/8 and its load reaches 8 bytes on, 9 when it straddles. */
#define GROUP_READS(w) ((7 * (w)) / 8 + 9)

/*
 * Unpack the 8 values of the w bytes at p (1 <= w <= 64). Inlined into
 * callers with a constant w, where the conditions below fold away.
 */
static inline __attribute__((always_inline)) void
unpack8(const uint8_t *p, unsigned w, uint64_t ref, uint64_t *out)
{
	const uint64_t mask = w == 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;

#define UNPACK_ONE(j)                                                   \
	do {                                                            \
		const unsigned b_ = (j) * w, s_ = b_ & 7;               \
		uint64_t x_ = ld64(p + (b_ >> 3)) >> s_;                \
		/* & 63 only quiets the warning for dead s_ = 0 */     \
		if (s_ + w > 64)                                        \
			x_ |= (uint64_t)p[(b_ >> 3) + 8] <<             \
			    ((64 - s_) & 63);                           \
		out[j] = ref + (x_ & mask);                             \
	} while (0)
	UNPACK_ONE(0);
	UNPACK_ONE(1);
	UNPACK_ONE(2);
	UNPACK_ONE(3);
	UNPACK_ONE(4);
	UNPACK_ONE(5);
	UNPACK_ONE(6);
	UNPACK_ONE(7);
#undef UNPACK_ONE
}

/*
 * The last values of an area, from a padded copy. The group loops stop
 * with fewer than 8 values left (at most w bytes) or fewer than
 * GROUP_READS(w) <= 65 bytes left, so the copy needs at most 65 bytes
 * plus the reach of one group past its end.
 */
static __attribute__((noinline)) void
unpack_tail(const uint8_t *p, unsigned w, uint64_t ref, size_t count,
    uint64_t *out)
{
	uint8_t tmp[65 + GROUP_READS(64) + 6];
	uint64_t v[8];
	const uint8_t *q = tmp;
	size_t nb = rdb_bitpack_bytes(count, w);

	memset(tmp, 0, sizeof tmp);
	memcpy(tmp, p, nb);
	while (count >= 8) {
		unpack8(q, w, ref, out);
		q += w;
		out += 8;
		count -= 8;
	}
	if (count > 0) {
		unpack8(q, w, ref, v);
		memcpy(out, v, count * sizeof *v);
	}
}

typedef void unpack_fn(const uint8_t *, size_t, uint64_t, size_t, uint64_t *);

#define UNPACK_W(W)                                                     \
static void unpack_##W(const uint8_t *p, size_t avail, uint64_t ref,    \
    size_t count, uint64_t *out)                                        \
{                                                                       \
	while (count >= 16 && avail >= (W) + GROUP_READS(W)) {          \
		unpack8(p, (W), ref, out);                              \
		unpack8(p + (W), (W), ref, out + 8);                    \
		p += 2 * (W);                                           \
		avail -= 2 * (W);                                       \
		out += 16;                                              \
		count -= 16;                                            \
	}                                                               \
	while (count >= 8 && avail >= GROUP_READS(W)) {                 \
		unpack8(p, (W), ref, out);                              \
		p += (W);                                               \
		avail -= (W);                                           \
		out += 8;                                               \
		count -= 8;                                             \
	}                                                               \
	if (count > 0)                                                  \
		unpack_tail(p, (W), ref, count, out);                   \
}

UNPACK_W(1) UNPACK_W(2) UNPACK_W(3) UNPACK_W(4) UNPACK_W(5) UNPACK_W(6)
UNPACK_W(7) UNPACK_W(8) UNPACK_W(9) UNPACK_W(10) UNPACK_W(11)
UNPACK_W(12) UNPACK_W(13) UNPACK_W(14) UNPACK_W(15) UNPACK_W(16)
UNPACK_W(17) UNPACK_W(18) UNPACK_W(19) UNPACK_W(20) UNPACK_W(21)
UNPACK_W(22) UNPACK_W(23) UNPACK_W(24) UNPACK_W(25) UNPACK_W(26)
UNPACK_W(27) UNPACK_W(28) UNPACK_W(29) UNPACK_W(30) UNPACK_W(31)
UNPACK_W(32) UNPACK_W(33) UNPACK_W(34) UNPACK_W(35) UNPACK_W(36)
UNPACK_W(37) UNPACK_W(38) UNPACK_W(39) UNPACK_W(40) UNPACK_W(41)
UNPACK_W(42) UNPACK_W(43) UNPACK_W(44) UNPACK_W(45) UNPACK_W(46)
UNPACK_W(47) UNPACK_W(48) UNPACK_W(49) UNPACK_W(50) UNPACK_W(51)
UNPACK_W(52) UNPACK_W(53) UNPACK_W(54) UNPACK_W(55) UNPACK_W(56)
UNPACK_W(57) UNPACK_W(58) UNPACK_W(59) UNPACK_W(60) UNPACK_W(61)
UNPACK_W(62) UNPACK_W(63) UNPACK_W(64)

static unpack_fn *const unpackers[65] = {
	NULL, unpack_1, unpack_2, unpack_3, unpack_4, unpack_5, unpack_6,
	unpack_7, unpack_8, unpack_9, unpack_10, unpack_11, unpack_12,
	unpack_13, unpack_14, unpack_15, unpack_16, unpack_17, unpack_18,
	unpack_19, unpack_20, unpack_21, unpack_22, unpack_23, unpack_24,
	unpack_25, unpack_26, unpack_27, unpack_28, unpack_29, unpack_30,
	unpack_31, unpack_32, unpack_33, unpack_34, unpack_35, unpack_36,
	unpack_37, unpack_38, unpack_39, unpack_40, unpack_41, unpack_42,
	unpack_43, unpack_44, unpack_45, unpack_46, unpack_47, unpack_48,
	unpack_49, unpack_50, unpack_51, unpack_52, unpack_53, unpack_54,
	unpack_55, unpack_56, unpack_57, unpack_58, unpack_59, unpack_60,
	unpack_61, unpack_62, unpack_63, unpack_64,
};

void rdb_bitpack_gather(const uint8_t *p, size_t avail, unsigned w,
    uint64_t ref, size_t base, const uint32_t *idx, size_t m, uint64_t *out)
{
	const uint64_t mask = w >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
	size_t j;

	if (w == 0 || w > 64) {
		for (j = 0; j < m; j++)
			out[j] = ref;
		return;
	}
	for (j = 0; j < m; j++) {
		size_t b = (base + idx[j]) * w, at = b >> 3;
		unsigned sh = (unsigned)(b & 7);
		uint64_t x;
		if (at + 9 <= avail) {
			x = ld64(p + at) >> sh;
			if (sh + w > 64)
				x |= (uint64_t)p[at + 8] << (64 - sh);
		} else {		/* near the end: a padded copy */
			uint8_t t[9] = { 0 };
			memcpy(t, p + at, avail - at < 9 ? avail - at : 9);
			x = ld64(t) >> sh;
			if (sh + w > 64)
				x |= (uint64_t)t[8] << (64 - sh);
		}
		out[j] = ref + (x & mask);
	}
}

void rdb_bitpack_unpack(const uint8_t *p, size_t avail, unsigned w,
    uint64_t ref, size_t count, uint64_t *out)
{
	size_t i;

	if (w == 0 || w > 64) {
		/* w > 64 never gets here: the decoders reject it first. */
		for (i = 0; i < count; i++)
			out[i] = ref;
		return;
	}
	unpackers[w](p, avail, ref, count, out);
}
