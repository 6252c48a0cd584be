/* export.c - sandbox-policy export and names: the policy, or the syscall
 * names, for other programs. The formats are lib/'s (export.h).
 */
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "msg.h"
#include "tool.h"

/* The sandbox-run installed beside this program (a unit names absolute
 * paths), unless --sandbox-run says otherwise. */
static const char *sibling_run(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return "sandbox-run";
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL || (size_t)(slash - buf) + sizeof("/sandbox-run") > len)
		return "sandbox-run";
	strcpy(slash, "/sandbox-run");
	return buf;
}

int cmd_export(int argc, char **argv)
{
	const char *format = NULL, *exec_start = NULL, *run = NULL;
	bool drop = false;
	const struct tool_flag flags[] = {{"format", 0, NULL, &format},
	                                  {"drop-conditions", 0, &drop, NULL},
	                                  {"exec-start", 0, NULL, &exec_start},
	                                  {"sandbox-run", 0, NULL, &run},
	                                  {NULL, 0, NULL, NULL}};
	struct sb_error err = {0};
	enum sb_export_format fmt;
	int i = tool_options(argc, argv, NULL, flags), r;

	if (format == NULL || sb_export_parse(format, &fmt) < 0)
		tool_usage("--format=oci, --format=systemd or --format=minijail is required");
	if (exec_start && fmt != SB_EXPORT_SYSTEMD)
		tool_usage("--exec-start is for --format=systemd");
	if (drop && (fmt != SB_EXPORT_SYSTEMD || exec_start))
		tool_usage("--drop-conditions is for --format=systemd without --exec-start");
	if (argc - i != 1)
		tool_usage("expected one policy FILE");
	struct sb_policy *p = tool_read(argv[i]);
	char exe[PATH_MAX], abs[PATH_MAX];
	/* The drop-in names the policy by its absolute path: units run in /. */
	struct sb_export_opts o = {.source = exec_start && realpath(argv[i], abs) ? abs : argv[i],
	                           .exec_start = exec_start,
	                           .run = run ? run : sibling_run(exe, sizeof(exe)),
	                           .drop_conditions = drop};
	if ((r = sb_policy_export(stdout, p, fmt, &o, &err)) < 0)
		tool_fail(&err, argv[i], r);
	free(p);
	return TOOL_OK;
}

/* The names the evaluation counts against: every number 0-1023 libseccomp names for
 * x86_64, one a line (x32 and i386 are not native). */
int cmd_names(int argc, char **argv)
{
	if (argc != 1)
		tool_usage("takes no arguments");
	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
		if (name != NULL)
			printf("%s\n", name);
		free(name);
	}
	return fflush(stdout) == 0 ? TOOL_OK : TOOL_ERROR;
}
