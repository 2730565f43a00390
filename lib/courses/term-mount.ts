/** One NFS mount of a course term, as staff edit it (stored as JSON on the term). Types only. */
export type VolumeMountKind = "home" | "exchange" | "shared" | "extra";

export interface TermMount {
  kind: VolumeMountKind;
  /** Path on the NFS export, may use {username}, {course_id}, {term}, {course}. */
  subPath: string;
  /** Path inside the notebook container. */
  mountPath: string;
  readOnly: boolean;
}
