import Link from "next/link";
import { Fragment } from "react";

/** The way up from a term's pages: Courses / course / term, then the page's own steps. */
export function TermBreadcrumbs({ coursesLabel, courseId, courseCode, termId, term, trail = [] }: { coursesLabel: string; courseId: number; courseCode: string; termId: number; term: string; trail?: { href: string; label: string }[] }) {
  const crumbs = [{ href: "/courses", label: coursesLabel }, { href: `/courses/${courseId}`, label: courseCode }, { href: `/courses/${courseId}/terms/${termId}`, label: term }, ...trail];
  return crumbs.map((c, i) => (
    <Fragment key={c.href}>
      {i > 0 && " / "}
      <Link href={c.href} className="hover:underline">
        {c.label}
      </Link>
    </Fragment>
  ));
}
