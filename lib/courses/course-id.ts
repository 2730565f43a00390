/** `<code>-<term>`: the nbgrader course id, used in profile keys, exchange folders and NFS paths. */
export function nbgraderCourseId(code: string, term: string): string {
  return `${code}-${term}`;
}
