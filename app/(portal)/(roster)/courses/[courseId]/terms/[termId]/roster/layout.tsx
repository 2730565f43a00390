import { ClientMessages } from "@/components/i18n/client-messages";

/** Its pages' client components get the messages lib/i18n/client-messages.ts lists for this folder. */
export default function RosterLayout({ children }: { children: React.ReactNode }) {
  return <ClientMessages of="app/(portal)/(roster)/courses/[courseId]/terms/[termId]/roster">{children}</ClientMessages>;
}
