/*
 * NAME
 *   hdrtext - header text: RFC 2047 words, RFC 2231 parameters and raw
 *   8-bit bytes to clean UTF-8, and UTF-8 back to encoded words
 *
 * SUMMARY
 *   char *mk_hdr_decode(const char *raw);
 *   char *mk_hdr_param(const char *raw, const char *name);
 *   char *mk_hdr_encode(const char *utf8);
 *   char *mk_hdr_encode_phrase(const char *utf8);
 *   char *mk_hdr_clean(const char *utf8);
char *mk_hdr_name_utf8(const char *bytes);
char *mk_hdr_file_name(GMimeObject *obj);
char *mk_hdr_obj_param(GMimeObject *obj, const char *header, const char *param);
char *mk_hdr_obj_decode(GMimeObject *obj, const char *header);
const char *mk_hdr_raw(GMimeObject *obj, const char *header);
 *   char *mk_hdr_file_name(GMimeObject *obj);
char *mk_hdr_obj_param(GMimeObject *obj, const char *header, const char *param);
char *mk_hdr_obj_decode(GMimeObject *obj, const char *header);
const char *mk_hdr_raw(GMimeObject *obj, const char *header);
 *   char *mk_hdr_obj_param(GMimeObject *obj, const char *header,
 *                          const char *param);
 *   char *mk_hdr_obj_decode(GMimeObject *obj, const char *header);
 *   const char *mk_hdr_raw(GMimeObject *obj, const char *header);
 *
 * DESCRIPTION
 *   Charsets follow the body rules of f_text (mk_text_to_utf8): Shift_JIS
 *   is CP932, ISO-2022-JP carries the CP932 extensions (NEC row 13, IBM
 *   rows, half-width kana by ESC ( I or SO/SI), EUC-JP falls back to
 *   EUC-JP-MS; an unknown or lying label is detected like a body.
 *
 *   mk_hdr_decode() unfolds RAW (a header value as it came, CR/LF
 *   included) and decodes every RFC 2047 encoded word, also one glued to
 *   text or to another word.  The bytes of adjacent words with the same
 *   charset are joined before conversion, so a character split across two
 *   words decodes; white space between encoded words is dropped.  Text
 *   outside words that is 8-bit or ISO-2022-JP is decoded as a body of
 *   unknown charset.  The result goes through mk_hdr_clean().
 *
 *   mk_hdr_param() finds parameter NAME in the raw value of a
 *   Content-Type or Content-Disposition header: RFC 2231 first (NAME*=
 *   charset'lang'%XX, or the sections NAME*0, NAME*1*, ... joined as bytes
 *   before conversion), then NAME= (quoted or token; RFC 2047 words inside
 *   it decoded, raw 8-bit bytes detected).  The first occurrence wins.
 *   Not cleaned, only made valid UTF-8: a control or bidi character in a
 *   name is a finding of names.c, so it must still be there.  NULL when
 *   the parameter is absent.
 *
 *   mk_hdr_file_name() is the file name of a MIME part by these rules:
 *   Content-Disposition filename, else Content-Type name (the first header
 *   of each); NULL when there is none or it decodes to "".
 *   mk_hdr_obj_param() is mk_hdr_param() on the first HEADER of OBJ,
 *   mk_hdr_obj_decode() mk_hdr_decode() (NULL when there is none).
 *   mk_hdr_raw() is the raw value of the first HEADER (GMime's value when
 *   it kept none), borrowed from OBJ, or NULL.
 *
 *   mk_hdr_encode() returns an unstructured header value: as is when it is
 *   printable ASCII without "=?", otherwise UTF-8 "B" encoded words of at
 *   most 75 characters, split on character boundaries and folded (LF TAB).
 *   mk_hdr_encode_phrase() does the same for a display name: an ASCII name
 *   is a quoted string whenever it is not a plain run of atoms.
 *
 *   mk_hdr_name_utf8() is a file name as bytes (a drop folder entry, a
 *   raw name) in UTF-8: as is when it is UTF-8, else by the strict
 *   Japanese decoders (CP932, EUC-JP-MS), else made valid.  Nothing in it
 *   is an encoded word, and a 0x5C byte inside a CP932 character stays
 *   part of that character (表 is 0x95 0x5C): it is never a backslash.
 *   Not cleaned, like mk_hdr_param().
 *
 *   In a quoted parameter value the second byte of a Shift_JIS pair and
 *   raw ISO-2022-JP text are taken as they are when the RFC reading
 *   ('\\' quotes the next byte) gives bytes that are not UTF-8: a raw
 *   "表.pdf" keeps its 0x5C, and a name ending in ソ does not swallow its
 *   closing quote.
 *
 *   mk_hdr_clean() replaces C0/C1 controls and TAB by a space, removes bidi
 *   controls, zero-width characters and BOMs, makes the text valid UTF-8,
 *   collapses runs of spaces and trims.
 *
 * OWNERSHIP
 *   Every returned string is new (caller frees).
 *
 * NEVER
 *   Fails: bad input decodes to something (U+FFFD at worst); never returns
 *   a string holding CR, LF or NUL.
 */
#ifndef MK_HDRTEXT_H
#define MK_HDRTEXT_H

#include <glib.h>
#include <gmime/gmime.h>

char *mk_hdr_decode(const char *raw);
char *mk_hdr_param(const char *raw, const char *name);
char *mk_hdr_encode(const char *utf8);
char *mk_hdr_encode_phrase(const char *utf8);
char *mk_hdr_clean(const char *utf8);
char *mk_hdr_name_utf8(const char *bytes);
char *mk_hdr_file_name(GMimeObject *obj);
char *mk_hdr_obj_param(GMimeObject *obj, const char *header, const char *param);
char *mk_hdr_obj_decode(GMimeObject *obj, const char *header);
const char *mk_hdr_raw(GMimeObject *obj, const char *header);

#endif
