/*
 * NAME
 *   mk_limits.h - the one place where default limits live
 *
 * DESCRIPTION
 *   Every bound the engine enforces is a named configuration key (see
 *   config_schema.c) whose default is defined here.  Sizes are written as
 *   they would be in the file ("50M"), counts as plain numbers.  Code never uses a literal
 *   limit; it reads the snapshot in `mk_config`.
 */
#ifndef MK_LIMITS_H
#define MK_LIMITS_H

#define MK_KiB (1024LL)
#define MK_MiB (1024LL * 1024LL)
#define MK_GiB (1024LL * 1024LL * 1024LL)

/* limits.* */
#define MK_DEF_MAX_MESSAGE_SIZE "50M"
#define MK_DEF_MAX_FILE_SIZE "100M"
#define MK_DEF_MAX_PARTS           1000
#define MK_DEF_MAX_MIME_DEPTH      10
#define MK_DEF_MAX_ARCHIVE_DEPTH   5
#define MK_DEF_MAX_ARCHIVE_MEMBERS 1000
#define MK_DEF_MAX_UNPACKED_SIZE "500M"
#define MK_DEF_MAX_MEMBER_SIZE "100M"
#define MK_DEF_MAX_RATIO           100
#define MK_DEF_ITEM_TIME_MS        60000
#define MK_DEF_MAX_NAME_LENGTH     255
#define MK_DEF_MAX_HEADER_SIZE "1M"
#define MK_DEF_MAX_TEXT_SIZE "10M"

/* clamav.* */
#define MK_DEF_CLAMAV_MAX_DB_AGE_H 72
#define MK_DEF_CLAMAV_MAX_SCANSIZE "400M"
#define MK_DEF_CLAMAV_MAX_FILESIZE "100M"
#define MK_DEF_CLAMAV_MAX_SCANTIME 120000
#define MK_DEF_CLAMAV_MAX_RECURSION 17
#define MK_DEF_CLAMD_CONNECT_MS    2000
#define MK_DEF_CLAMD_IO_MS         130000
#define MK_CLAMD_CHUNK             65536   /* INSTREAM chunk (protocol, not a limit) */
#define MK_CLAMD_REPLY_MAX         1024    /* longest clamd reply line read */
#define MK_CLAMD_MAX_SOCKETS       64      /* most clamd instances in one pool */

/* quarantine.*, audit.* */
#define MK_DEF_RETENTION_DAYS      90
#define MK_DEF_AUDIT_RETENTION_DAYS 1830

/* log.* */
#define MK_LOG_LINE_MAX            2048
#define MK_LOG_FIELD_MAX           200

/* html rendering */
#define MK_DEF_HTML_MAX_NODES      200000
#define MK_DEF_LINE_WIDTH          0

/* milter.* */
#define MK_DEF_MILTER_TIMEOUT_S    300

/* dropd.* */
#define MK_DEF_DROPD_SETTLE_MS     2000
#define MK_DEF_DROPD_RESCAN_S      30
#define MK_DEF_DROPD_JOBS          2

/* worker.*, pdf.*, image.* */
#define MK_DEF_WORKER_TIMEOUT_MS   60000
#define MK_DEF_WORKER_MEMORY       "1G"
#define MK_DEF_WORKER_OUTPUT       "200M"
#define MK_DEF_WORKER_CACHE        "64M"
#define MK_DEF_WORKER_CPU_S        60
#define MK_DEF_PDF_DPI             150
#define MK_DEF_PDF_MAX_PAGES       200
#define MK_DEF_PDF_MAX_PIXELS      40000000
#define MK_DEF_PDF_MAX_LINKS       1000
#define MK_DEF_IMAGE_MAX_PIXELS    100000000
#define MK_DEF_IMAGE_MAX_DIMENSION 30000

/* rtf.*, ooxml.* (worker filters) */
#define MK_DEF_RTF_MAX_DEPTH       200
#define MK_DEF_OOXML_MAX_PARTS     1000
#define MK_DEF_OOXML_MAX_PART_SIZE "100M"

/* web.*, release.* */
#define MK_DEF_WEB_LISTEN          "127.0.0.1:8443"
#define MK_DEF_WEB_MAX_FAILED      5
#define MK_DEF_WEB_LOCKOUT_MIN     30
#define MK_DEF_WEB_IDLE_MIN        15
#define MK_DEF_WEB_SESSION_MAX_MIN 480
#define MK_DEF_WEB_MIN_PASSWORD    12
#define MK_DEF_WEB_PW_CLASSES      3
#define MK_DEF_WEB_MAX_FORM        "64K"
#define MK_DEF_WEB_PAGE_SIZE       50
#define MK_DEF_WEB_UNLOCK_ATTEMPTS 5
#define MK_DEF_WEB_UNLOCK_WINDOW_MIN 15
#define MK_DEF_WEB_THREADS         4
#define MK_DEF_WEB_AUTH_THREADS    2
#define MK_DEF_WEB_WORK_THREADS    2
#define MK_DEF_WEB_QUEUE_MAX       64
#define MK_DEF_WEB_LOGIN_BURST     5
#define MK_DEF_WEB_LOGIN_RATE_MIN  10
#define MK_DEF_WEB_MFA_TRIES       5
#define MK_DEF_WEB_MFA_PENDING_MIN 5
#define MK_DEF_WEB_MFA_RECOVERY    10
#define MK_DEF_WEB_MAX_ADMINS      5
#define MK_DEF_EXCEPTIONS_REFRESH_S 60
#define MK_DEF_RELEASE_RELAY       "127.0.0.1:25"
#define MK_DEF_RELEASE_TIMEOUT_S   60

/* mukaika health: WARNING / CRITICAL thresholds (percent) */
#define MK_DEF_HEALTH_DB_WARN_PCT   50
#define MK_DEF_HEALTH_DISK_WARN_PCT 10
#define MK_DEF_HEALTH_DISK_CRIT_PCT 5

/* Prometheus textfiles: seconds between updates */
#define MK_DEF_METRICS_INTERVAL_S   15

#endif
