/*
 * NAME
 *   names - findings about declared names and declared types (see names.h)
 *
 * DESCRIPTION
 *   Three data tables drive the checks: EXT_ROWS maps a file extension to a
 *   family (document, image, text, archive, executable, ...) and says whether
 *   the format is a ZIP or OLE container; EXEC_TYPES lists the true MIME
 *   types counted as executable; COMPAT_ROWS lists the declared/true family
 *   pairs that are benign (a CSV declared as Excel, a batch file sniffed as
 *   text, ...).  A type or extension whose family is unknown never produces
 *   a type_mismatch: the policy on the true type decides instead.
 *
 * OWNS
 *   Nothing beyond the strings it returns.
 *
 * NEVER
 *   Touches the filesystem or uses a name as a path.
 *
 * FAILURE
 *   None: a name that is not valid UTF-8 is itself a finding (control_name).
 */
#include "names.h"

#include <string.h>

typedef enum {
	FAM_UNKNOWN = 0,
	FAM_DOCUMENT,
	FAM_IMAGE,
	FAM_TEXT,
	FAM_ARCHIVE,
	FAM_EXECUTABLE,
	FAM_AUDIO,
	FAM_VIDEO,
	FAM_MESSAGE,
	FAM_FONT,
} family;

enum { C_NONE = 0, C_ZIP = 1, C_OLE = 2 };

typedef struct {
	const char *ext;
	family fam;
	int container;
} ext_row;

static const ext_row EXT_ROWS[] = {
	/* documents */
	{ "pdf", FAM_DOCUMENT, C_NONE },   { "doc", FAM_DOCUMENT, C_OLE },
	{ "dot", FAM_DOCUMENT, C_OLE },    { "xls", FAM_DOCUMENT, C_OLE },
	{ "xlt", FAM_DOCUMENT, C_OLE },    { "ppt", FAM_DOCUMENT, C_OLE },
	{ "pps", FAM_DOCUMENT, C_OLE },    { "docx", FAM_DOCUMENT, C_ZIP },
	{ "docm", FAM_DOCUMENT, C_ZIP },   { "dotx", FAM_DOCUMENT, C_ZIP },
	{ "dotm", FAM_DOCUMENT, C_ZIP },   { "xlsx", FAM_DOCUMENT, C_ZIP },
	{ "xlsm", FAM_DOCUMENT, C_ZIP },   { "xlsb", FAM_DOCUMENT, C_ZIP },
	{ "xltx", FAM_DOCUMENT, C_ZIP },   { "pptx", FAM_DOCUMENT, C_ZIP },
	{ "pptm", FAM_DOCUMENT, C_ZIP },   { "ppsx", FAM_DOCUMENT, C_ZIP },
	{ "odt", FAM_DOCUMENT, C_ZIP },    { "ods", FAM_DOCUMENT, C_ZIP },
	{ "odp", FAM_DOCUMENT, C_ZIP },    { "odg", FAM_DOCUMENT, C_ZIP },
	{ "rtf", FAM_DOCUMENT, C_NONE },   { "epub", FAM_DOCUMENT, C_ZIP },
	{ "jtd", FAM_DOCUMENT, C_OLE },    { "xps", FAM_DOCUMENT, C_ZIP },
	{ "ps", FAM_DOCUMENT, C_NONE },    { "hwp", FAM_DOCUMENT, C_OLE },
	/* images */
	{ "jpg", FAM_IMAGE, C_NONE },  { "jpeg", FAM_IMAGE, C_NONE },
	{ "jpe", FAM_IMAGE, C_NONE },  { "png", FAM_IMAGE, C_NONE },
	{ "gif", FAM_IMAGE, C_NONE },  { "bmp", FAM_IMAGE, C_NONE },
	{ "tif", FAM_IMAGE, C_NONE },  { "tiff", FAM_IMAGE, C_NONE },
	{ "webp", FAM_IMAGE, C_NONE }, { "heic", FAM_IMAGE, C_NONE },
	{ "svg", FAM_IMAGE, C_NONE },  { "ico", FAM_IMAGE, C_NONE },
	/* text */
	{ "txt", FAM_TEXT, C_NONE },  { "text", FAM_TEXT, C_NONE },
	{ "csv", FAM_TEXT, C_NONE },  { "tsv", FAM_TEXT, C_NONE },
	{ "log", FAM_TEXT, C_NONE },  { "htm", FAM_TEXT, C_NONE },
	{ "html", FAM_TEXT, C_NONE }, { "xml", FAM_TEXT, C_NONE },
	{ "json", FAM_TEXT, C_NONE }, { "md", FAM_TEXT, C_NONE },
	{ "ics", FAM_TEXT, C_NONE },  { "vcf", FAM_TEXT, C_NONE },
	{ "ini", FAM_TEXT, C_NONE },  { "c", FAM_TEXT, C_NONE },
	{ "h", FAM_TEXT, C_NONE },
	/* archives */
	{ "zip", FAM_ARCHIVE, C_ZIP },  { "7z", FAM_ARCHIVE, C_NONE },
	{ "rar", FAM_ARCHIVE, C_NONE }, { "gz", FAM_ARCHIVE, C_NONE },
	{ "tgz", FAM_ARCHIVE, C_NONE }, { "bz2", FAM_ARCHIVE, C_NONE },
	{ "xz", FAM_ARCHIVE, C_NONE },  { "tar", FAM_ARCHIVE, C_NONE },
	{ "lzh", FAM_ARCHIVE, C_NONE }, { "lha", FAM_ARCHIVE, C_NONE },
	{ "cab", FAM_ARCHIVE, C_NONE }, { "arj", FAM_ARCHIVE, C_NONE },
	{ "zst", FAM_ARCHIVE, C_NONE }, { "z", FAM_ARCHIVE, C_NONE },
	/* executables, scripts, shortcuts, installers, disk images */
	{ "exe", FAM_EXECUTABLE, C_NONE },  { "com", FAM_EXECUTABLE, C_NONE },
	{ "scr", FAM_EXECUTABLE, C_NONE },  { "pif", FAM_EXECUTABLE, C_NONE },
	{ "bat", FAM_EXECUTABLE, C_NONE },  { "cmd", FAM_EXECUTABLE, C_NONE },
	{ "vbs", FAM_EXECUTABLE, C_NONE },  { "vbe", FAM_EXECUTABLE, C_NONE },
	{ "js", FAM_EXECUTABLE, C_NONE },   { "jse", FAM_EXECUTABLE, C_NONE },
	{ "wsf", FAM_EXECUTABLE, C_NONE },  { "wsh", FAM_EXECUTABLE, C_NONE },
	{ "hta", FAM_EXECUTABLE, C_NONE },  { "msi", FAM_EXECUTABLE, C_OLE },
	{ "msp", FAM_EXECUTABLE, C_OLE },   { "msc", FAM_EXECUTABLE, C_NONE },
	{ "cpl", FAM_EXECUTABLE, C_NONE },  { "jar", FAM_EXECUTABLE, C_ZIP },
	{ "ps1", FAM_EXECUTABLE, C_NONE },  { "psm1", FAM_EXECUTABLE, C_NONE },
	{ "lnk", FAM_EXECUTABLE, C_NONE },  { "url", FAM_EXECUTABLE, C_NONE },
	{ "scf", FAM_EXECUTABLE, C_NONE },  { "iso", FAM_EXECUTABLE, C_NONE },
	{ "img", FAM_EXECUTABLE, C_NONE },  { "vhd", FAM_EXECUTABLE, C_NONE },
	{ "vhdx", FAM_EXECUTABLE, C_NONE }, { "dll", FAM_EXECUTABLE, C_NONE },
	{ "sys", FAM_EXECUTABLE, C_NONE },  { "reg", FAM_EXECUTABLE, C_NONE },
	{ "inf", FAM_EXECUTABLE, C_NONE },  { "chm", FAM_EXECUTABLE, C_NONE },
	{ "application", FAM_EXECUTABLE, C_NONE },
	{ "appref-ms", FAM_EXECUTABLE, C_NONE },
	{ "one", FAM_EXECUTABLE, C_NONE },  { "onepkg", FAM_EXECUTABLE, C_NONE },
	{ "xll", FAM_EXECUTABLE, C_NONE },  { "sh", FAM_EXECUTABLE, C_NONE },
	{ "ocx", FAM_EXECUTABLE, C_NONE },  { "gadget", FAM_EXECUTABLE, C_NONE },
	{ "dmg", FAM_EXECUTABLE, C_NONE },  { "apk", FAM_EXECUTABLE, C_ZIP },
	/* script hosts, scriptlets, PowerShell/Monad, installers, Office and
	 * shell formats that run or fetch something when opened */
	{ "ws", FAM_EXECUTABLE, C_NONE },   { "wsc", FAM_EXECUTABLE, C_NONE },
	{ "sct", FAM_EXECUTABLE, C_NONE },  { "vb", FAM_EXECUTABLE, C_NONE },
	{ "psd1", FAM_EXECUTABLE, C_NONE }, { "ps1xml", FAM_EXECUTABLE, C_NONE },
	{ "ps2", FAM_EXECUTABLE, C_NONE },  { "ps2xml", FAM_EXECUTABLE, C_NONE },
	{ "psc1", FAM_EXECUTABLE, C_NONE }, { "psc2", FAM_EXECUTABLE, C_NONE },
	{ "msh", FAM_EXECUTABLE, C_NONE },  { "msh1", FAM_EXECUTABLE, C_NONE },
	{ "msh2", FAM_EXECUTABLE, C_NONE }, { "mshxml", FAM_EXECUTABLE, C_NONE },
	{ "py", FAM_EXECUTABLE, C_NONE },   { "pyw", FAM_EXECUTABLE, C_NONE },
	{ "iqy", FAM_EXECUTABLE, C_NONE },  { "slk", FAM_EXECUTABLE, C_NONE },
	{ "settingcontent-ms", FAM_EXECUTABLE, C_NONE },
	{ "library-ms", FAM_EXECUTABLE, C_NONE },
	{ "searchconnector-ms", FAM_EXECUTABLE, C_NONE },
	{ "msu", FAM_EXECUTABLE, C_NONE },  { "mst", FAM_EXECUTABLE, C_OLE },
	{ "appx", FAM_EXECUTABLE, C_ZIP },  { "appxbundle", FAM_EXECUTABLE, C_ZIP },
	{ "msix", FAM_EXECUTABLE, C_ZIP },  { "msixbundle", FAM_EXECUTABLE, C_ZIP },
	{ "diagcab", FAM_EXECUTABLE, C_NONE }, { "vsto", FAM_EXECUTABLE, C_NONE },
	{ "xbap", FAM_EXECUTABLE, C_NONE }, { "jnlp", FAM_EXECUTABLE, C_NONE },
	{ "ade", FAM_EXECUTABLE, C_NONE },  { "adp", FAM_EXECUTABLE, C_NONE },
	{ "mde", FAM_EXECUTABLE, C_NONE },  { "accde", FAM_EXECUTABLE, C_NONE },
	{ "hlp", FAM_EXECUTABLE, C_NONE },  { "ins", FAM_EXECUTABLE, C_NONE },
	{ "isp", FAM_EXECUTABLE, C_NONE },  { "its", FAM_EXECUTABLE, C_NONE },
	{ "shb", FAM_EXECUTABLE, C_NONE },  { "shs", FAM_EXECUTABLE, C_NONE },
	{ "xnk", FAM_EXECUTABLE, C_NONE },  { "website", FAM_EXECUTABLE, C_NONE },
	{ "prf", FAM_EXECUTABLE, C_NONE },
	{ "dqy", FAM_EXECUTABLE, C_NONE },  { "oqy", FAM_EXECUTABLE, C_NONE },
	{ "rqy", FAM_EXECUTABLE, C_NONE },  { "wsb", FAM_EXECUTABLE, C_NONE },
	{ "mcl", FAM_EXECUTABLE, C_NONE },  { "odc", FAM_EXECUTABLE, C_NONE },
	/* settings that connect out or load code: RDP with drive redirection,
	 * themes with UNC wallpaper/msstyles, desktop entries */
	{ "rdp", FAM_EXECUTABLE, C_NONE },  { "theme", FAM_EXECUTABLE, C_NONE },
	{ "themepack", FAM_EXECUTABLE, C_NONE },
	{ "deskthemepack", FAM_EXECUTABLE, C_NONE },
	{ "msstyles", FAM_EXECUTABLE, C_NONE },
	{ "desktop", FAM_EXECUTABLE, C_NONE },
	/* media, mail, fonts */
	{ "mp3", FAM_AUDIO, C_NONE }, { "wav", FAM_AUDIO, C_NONE },
	{ "m4a", FAM_AUDIO, C_NONE }, { "mp4", FAM_VIDEO, C_NONE },
	{ "mov", FAM_VIDEO, C_NONE }, { "avi", FAM_VIDEO, C_NONE },
	{ "wmv", FAM_VIDEO, C_NONE }, { "eml", FAM_MESSAGE, C_NONE },
	{ "msg", FAM_MESSAGE, C_OLE }, { "ttf", FAM_FONT, C_NONE },
	{ "otf", FAM_FONT, C_NONE },
};

static const char *const EXEC_TYPES[] = {
	"application/x-dosexec", "application/x-msdownload",
	"application/x-executable", "application/x-sharedlib",
	"application/x-pie-executable", "application/x-mach-binary",
	"application/x-msdos-program", "application/x-ms-ne-executable",
	"application/vnd.microsoft.portable-executable",
	"text/x-shellscript", "text/x-msdos-batch", "application/x-bat",
	"application/x-ms-shortcut", "application/x-iso9660-image",
	"application/x-msi", "application/vnd.ms-msi",
	"application/x-ole-msi", "application/java-archive",
	"application/x-java-applet", "application/hta",
	"text/x-perl", "text/x-python", "text/x-script.python",
	"text/x-ruby", "text/x-php", "application/x-php",
	"text/x-tcl", "text/x-lua", "text/x-awk",
	"application/javascript", "text/javascript",
	"application/x-javascript", "text/x-vbscript",
	"application/x-apple-diskimage", "application/vnd.ms-htmlhelp",
	"application/x-chm", "application/x-ms-installer",
	"application/x-elf", "application/x-object",
	"application/vnd.ms-onenote", "application/x-powershell",
};

/* Declared family → true family pairs that are benign. */
typedef struct {
	family declared;
	family truth;
} compat_row;

static const compat_row COMPAT_ROWS[] = {
	{ FAM_MESSAGE, FAM_TEXT },     /* .eml sniffed as text/plain */
	{ FAM_TEXT, FAM_MESSAGE },     /* mail saved as .txt */
	{ FAM_DOCUMENT, FAM_TEXT },    /* CSV declared as Excel, .rtf, .ps */
	{ FAM_EXECUTABLE, FAM_TEXT },  /* scripts are text; executable flags it */
	{ FAM_IMAGE, FAM_TEXT },       /* .svg is XML */
};

/* True MIME types (prefixes) by family; checked after EXEC_TYPES. */
typedef struct {
	const char *prefix;
	family fam;
	int container;
} type_row;

static const type_row TYPE_ROWS[] = {
	{ "application/pdf", FAM_DOCUMENT, C_NONE },
	{ "application/msword", FAM_DOCUMENT, C_OLE },
	{ "application/vnd.ms-excel", FAM_DOCUMENT, C_OLE },
	{ "application/vnd.ms-powerpoint", FAM_DOCUMENT, C_OLE },
	{ "application/vnd.ms-word", FAM_DOCUMENT, C_OLE },
	{ "application/vnd.ms-outlook", FAM_MESSAGE, C_OLE },
	{ "application/vnd.openxmlformats", FAM_DOCUMENT, C_ZIP },
	{ "application/vnd.oasis.opendocument", FAM_DOCUMENT, C_ZIP },
	{ "application/epub", FAM_DOCUMENT, C_ZIP },
	{ "application/rtf", FAM_DOCUMENT, C_NONE },
	{ "text/rtf", FAM_DOCUMENT, C_NONE },
	{ "application/postscript", FAM_DOCUMENT, C_NONE },
	{ "application/x-hwp", FAM_DOCUMENT, C_OLE },
	{ "application/cdfv2", FAM_DOCUMENT, C_OLE },
	{ "application/x-ole-storage", FAM_DOCUMENT, C_OLE },
	{ "application/zip", FAM_ARCHIVE, C_ZIP },
	{ "application/x-zip", FAM_ARCHIVE, C_ZIP },
	{ "application/x-7z", FAM_ARCHIVE, C_NONE },
	{ "application/x-rar", FAM_ARCHIVE, C_NONE },
	{ "application/vnd.rar", FAM_ARCHIVE, C_NONE },
	{ "application/gzip", FAM_ARCHIVE, C_NONE },
	{ "application/x-gzip", FAM_ARCHIVE, C_NONE },
	{ "application/x-bzip2", FAM_ARCHIVE, C_NONE },
	{ "application/x-xz", FAM_ARCHIVE, C_NONE },
	{ "application/x-tar", FAM_ARCHIVE, C_NONE },
	{ "application/x-lzh", FAM_ARCHIVE, C_NONE },
	{ "application/x-lha", FAM_ARCHIVE, C_NONE },
	{ "application/vnd.ms-cab", FAM_ARCHIVE, C_NONE },
	{ "application/x-arj", FAM_ARCHIVE, C_NONE },
	{ "application/zstd", FAM_ARCHIVE, C_NONE },
	{ "application/x-compress", FAM_ARCHIVE, C_NONE },
	{ "application/x-cpio", FAM_ARCHIVE, C_NONE },
	{ "application/json", FAM_TEXT, C_NONE },
	{ "application/xml", FAM_TEXT, C_NONE },
	{ "message/", FAM_MESSAGE, C_NONE },
	{ "image/", FAM_IMAGE, C_NONE },
	{ "text/", FAM_TEXT, C_NONE },
	{ "audio/", FAM_AUDIO, C_NONE },
	{ "video/", FAM_VIDEO, C_NONE },
	{ "font/", FAM_FONT, C_NONE },
};

static const char *const FAMILY_NAMES[] = {
	"unknown", "document", "image", "text", "archive", "executable",
	"audio", "video", "message", "font",
};

static const ext_row *
ext_lookup(const char *ext)
{
	for (gsize i = 0; i < G_N_ELEMENTS(EXT_ROWS); i++)
		if (strcmp(EXT_ROWS[i].ext, ext) == 0)
			return &EXT_ROWS[i];
	return NULL;
}

bool
mk_names_type_is_executable(const char *true_type)
{
	if (true_type == NULL)
		return false;
	for (gsize i = 0; i < G_N_ELEMENTS(EXEC_TYPES); i++)
		if (g_ascii_strcasecmp(EXEC_TYPES[i], true_type) == 0)
			return true;
	return false;
}

static family
type_family(const char *type, int *container)
{
	*container = C_NONE;
	if (type == NULL || *type == '\0')
		return FAM_UNKNOWN;
	if (mk_names_type_is_executable(type))
		return FAM_EXECUTABLE;
	for (gsize i = 0; i < G_N_ELEMENTS(TYPE_ROWS); i++) {
		gsize l = strlen(TYPE_ROWS[i].prefix);

		if (g_ascii_strncasecmp(TYPE_ROWS[i].prefix, type, l) == 0) {
			*container = TYPE_ROWS[i].container;
			return TYPE_ROWS[i].fam;
		}
	}
	return FAM_UNKNOWN;
}

/* Length of NAME without trailing dots and white space. */
static gsize
trimmed_len(const char *name)
{
	gsize l = strlen(name);

	while (l > 0 && (name[l - 1] == '.' || g_ascii_isspace(name[l - 1])))
		l--;
	return l;
}

/* Extension of NAME[0..len) after the last '.', lower-case, spaces cut. */
static char *
ext_of(const char *name, gsize len)
{
	const char *dot = NULL;
	gsize el;
	char *raw, *low;

	for (gsize i = 0; i < len; i++) {
		if (name[i] == '.')
			dot = name + i;
		else if (name[i] == '/' || name[i] == '\\')
			dot = NULL;
	}
	if (dot == NULL)
		return g_strdup("");
	el = (gsize)(name + len - dot - 1);
	raw = g_strstrip(g_strndup(dot + 1, el));
	low = g_utf8_validate(raw, -1, NULL) ? g_utf8_strdown(raw, -1)
	                                     : g_ascii_strdown(raw, -1);
	g_free(raw);
	return low;
}

char *
mk_names_extension(const char *name)
{
	if (name == NULL)
		return g_strdup("");
	return ext_of(name, trimmed_len(name));
}

/* Names and declared types whose consumer renders markup whatever the bytes
 * look like (a browser opens "x.html" as HTML even when libmagic, seeing
 * 10 KB of blanks first, says text/plain), and the type to handle them as. */
static const struct {
	const char *ext, *as;
} RENDERED_EXT[] = {
	{ "html", "text/html" },  { "htm", "text/html" },   { "xhtml", "text/html" },
	{ "xht", "text/html" },   { "shtml", "text/html" }, { "shtm", "text/html" },
	{ "stm", "text/html" },   { "htt", "text/html" },
	{ "svg", "image/svg+xml" }, { "svgz", "image/svg+xml" },
	{ "xml", "text/xml" },    { "xsl", "text/xml" },    { "xslt", "text/xml" },
	{ "mht", "multipart/related" }, { "mhtml", "multipart/related" },
	{ "eml", "message/rfc822" },  /* a mail client opens it as a mail */
	{ "csv", "text/csv" },    { "tsv", "text/csv" },  /* spreadsheets evaluate */
	{ "ics", "text/calendar" }, { "vcs", "text/calendar" },
	{ "ical", "text/calendar" }, { "ifb", "text/calendar" },
};

static const struct {
	const char *declared, *as;
} RENDERED_DECLARED[] = {
	{ "text/html", "text/html" }, { "application/xhtml+xml", "text/html" },
	{ "image/svg+xml", "image/svg+xml" }, { "text/xml", "text/xml" },
	{ "application/xml", "text/xml" }, { "application/xslt+xml", "text/xml" },
	{ "text/calendar", "text/calendar" },
};

const char *
mk_names_rendered_as(const char *name, const char *declared_type)
{
	/* judged as delivered: "x.ht<ZWSP>ml" arrives as "x.html" */
	char *seen = name != NULL ? mk_names_safe(name, 0) : NULL;
	char *ext = mk_names_extension(seen);
	const char *as = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS(RENDERED_EXT) && as == NULL; i++)
		if (strcmp(RENDERED_EXT[i].ext, ext) == 0)
			as = RENDERED_EXT[i].as;
	for (gsize i = 0; i < G_N_ELEMENTS(RENDERED_DECLARED) && as == NULL; i++)
		if (declared_type != NULL &&
		    g_ascii_strcasecmp(RENDERED_DECLARED[i].declared, declared_type) == 0)
			as = RENDERED_DECLARED[i].as;
	g_free(ext);
	g_free(seen);
	return as;
}

static void
add_once(mk_node *n, mk_finding_code c, const char *detail)
{
	if (!mk_node_has_finding(n, c))
		mk_node_add_finding(n, c, "%s", detail);
}

static bool
is_bidi(gunichar c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200E || c == 0x200F || c == 0x061C;
}

static bool
is_control(gunichar c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) ||
	       c == 0x2028 || c == 0x2029;
}

static void
check_chars(mk_node *n, const char *name)
{
	if (!g_utf8_validate(name, -1, NULL)) {
		add_once(n, MK_F_CONTROL_NAME, "name is not valid UTF-8");
		return;
	}
	for (const char *p = name; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		char buf[32];

		g_snprintf(buf, sizeof buf, "U+%04X in name", c);
		if (is_bidi(c))
			add_once(n, MK_F_BIDI_NAME, buf);
		else if (is_control(c))
			add_once(n, MK_F_CONTROL_NAME, buf);
	}
}

static void
check_double_ext(mk_node *n, const char *name)
{
	gsize len = trimmed_len(name);
	char *last = ext_of(name, len);
	const ext_row *lr = ext_lookup(last);
	const char *dot = NULL;

	if (lr == NULL || lr->fam != FAM_EXECUTABLE)
		goto out;
	for (gsize i = 0; i < len; i++)
		if (name[i] == '.')
			dot = name + i;
	if (dot != NULL) {
		gsize plen = (gsize)(dot - name);
		char *prev;
		const ext_row *pr;

		while (plen > 0 && (name[plen - 1] == '.' ||
		                    g_ascii_isspace(name[plen - 1])))
			plen--;
		prev = ext_of(name, plen);
		pr = ext_lookup(prev);
		if (pr != NULL && pr->fam != FAM_EXECUTABLE)
			mk_node_add_finding(n, MK_F_DOUBLE_EXTENSION,
			                    ".%s followed by .%s", prev, last);
		g_free(prev);
	}
out:
	g_free(last);
}

static bool
families_compatible(family decl, int dcont, family truth, int tcont)
{
	if (decl == FAM_UNKNOWN || truth == FAM_UNKNOWN || decl == truth)
		return true;
	if (tcont != C_NONE && (dcont & tcont) != 0)
		return true;   /* .docx sniffed as zip, .msg as OLE */
	for (gsize i = 0; i < G_N_ELEMENTS(COMPAT_ROWS); i++)
		if (COMPAT_ROWS[i].declared == decl && COMPAT_ROWS[i].truth == truth)
			return true;
	return false;
}

static void
check_mismatch(mk_node *n, const ext_row *er)
{
	int tcont, dcont;
	family truth = type_family(n->true_type, &tcont);
	family decl;

	if (truth == FAM_UNKNOWN)
		return;
	/* Office opens text named .doc/.xls/.docx... by its content: MHT with
	 * ActiveMime macros, HTML, SYLK, CSV with formulas.  Not a document. */
	if (er != NULL && er->fam == FAM_DOCUMENT && er->container != C_NONE &&
	    truth == FAM_TEXT) {
		mk_node_add_finding(n, MK_F_TYPE_MISMATCH,
		                    "extension .%s (an Office format) holds text %s",
		                    er->ext, n->true_type);
		return;
	}
	if (er != NULL &&
	    !families_compatible(er->fam, er->container, truth, tcont)) {
		mk_node_add_finding(n, MK_F_TYPE_MISMATCH,
		                    "extension .%s (%s) holds %s (%s)", er->ext,
		                    FAMILY_NAMES[er->fam], n->true_type,
		                    FAMILY_NAMES[truth]);
		return;
	}
	decl = type_family(n->declared_type, &dcont);
	if (!families_compatible(decl, dcont, truth, tcont))
		mk_node_add_finding(n, MK_F_TYPE_MISMATCH,
		                    "declared %s (%s) holds %s (%s)",
		                    n->declared_type, FAMILY_NAMES[decl],
		                    n->true_type, FAMILY_NAMES[truth]);
}

void
mk_names_check(mk_ctx *ctx, mk_node *n)
{
	const char *name = n->declared_name;
	char *ext = NULL, *seen = NULL;
	const ext_row *er = NULL;

	if (name != NULL && *name != '\0') {
		check_chars(n, name);
		if (ctx != NULL && ctx->cfg != NULL &&
		    (gint64)strlen(name) > ctx->cfg->limits.max_name_length)
			mk_node_add_finding(n, MK_F_LONG_NAME, "%zu bytes",
			                    strlen(name));
		/* judged as delivered: mk_names_safe() drops zero-width and bidi
		 * characters, so "a.j<U+200B>s" reaches the recipient as "a.js" */
		seen = mk_names_safe(name, 0);
		if (!mk_node_has_finding(n, MK_F_DOUBLE_EXTENSION))
			check_double_ext(n, seen);
		ext = mk_names_extension(seen);
		er = ext_lookup(ext);
	}
	if (!mk_node_has_finding(n, MK_F_EXECUTABLE)) {
		if (mk_names_type_is_executable(n->true_type))
			mk_node_add_finding(n, MK_F_EXECUTABLE, "true type %s",
			                    n->true_type);
		else if (er != NULL && er->fam == FAM_EXECUTABLE)
			mk_node_add_finding(n, MK_F_EXECUTABLE, "extension .%s",
			                    er->ext);
	}
	if (!mk_node_has_finding(n, MK_F_TYPE_MISMATCH))
		check_mismatch(n, er);
	g_free(ext);
	g_free(seen);
}

static bool
unsafe_char(gunichar c)
{
	return is_bidi(c) || is_control(c) || c == 0x200B || c == 0x200C ||
	       c == 0x200D || c == 0xFEFF;
}

/* Cut S to at most MAX bytes on a character boundary, taking the bytes
 * from the stem so that the last extension (up to NAME_EXT_KEEP bytes)
 * stays: the name is judged by that extension, so a cut must never make
 * ".js" out of "….js….txt". */
#define NAME_EXT_KEEP 16
static void
cut_keeping_extension(GString *s, gsize max)
{
	const char *dot = strrchr(s->str, '.');
	gsize el = dot != NULL && dot != s->str ? strlen(dot) : 0;
	char *ext, *judged = mk_names_extension(s->str), *now;
	gsize cut;

	if (el > NAME_EXT_KEEP || el >= max)
		el = 0;
	ext = g_strdup(s->str + s->len - el);
	cut = max - el;
	/* back up to the start of a UTF-8 character */
	while (cut > 0 && ((guchar)s->str[cut] & 0xC0) == 0x80)
		cut--;
	g_string_truncate(s, cut);
	g_string_append(s, ext);
	/* an extension too long to keep: whatever the cut left must not
	 * become one ("A.js.<21 bytes>" -> "A_js", not "A.js") */
	now = mk_names_extension(s->str);
	if (strcmp(now, judged) != 0)
		for (gsize i = 0; i < s->len; i++)
			if (s->str[i] == '.')
				s->str[i] = '_';
	g_free(now);
	g_free(judged);
	g_free(ext);
}

char *
mk_names_safe(const char *name, gsize max_len)
{
	char *valid = g_utf8_make_valid(name ? name : "", -1);
	GString *s = g_string_new(NULL);
	const char *p;

	for (p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (unsafe_char(c))
			continue;
		if (c == '/' || c == '\\' || c == ':')
			c = '_';
		if (s->len == 0 && (c == '.' || c == ' '))
			continue;
		g_string_append_unichar(s, c);
	}
	g_free(valid);
	if (max_len > 0 && s->len > max_len)
		cut_keeping_extension(s, max_len);
	if (s->len == 0)
		g_string_assign(s, "attachment");
	return g_string_free(s, FALSE);
}
