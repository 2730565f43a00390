import { StatusPage } from "@/components/shell/status-page";

/** Inside the portal's layout, which has the page's `main` already. */
export default function NotFound() {
  return <StatusPage kind="notFound" inPortal />;
}
