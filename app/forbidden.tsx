import { ShieldAlert } from "lucide-react";
import { ButtonLink } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <ShieldAlert className="mx-auto size-10 text-amber-500" aria-hidden />
        <h1 className="mt-3 text-xl font-semibold text-slate-900">Not allowed</h1>
        <p className="mt-2 text-sm text-slate-600">Your account has no access to this page. If you need it, ask an admin or the course instructor to add you to the course.</p>
        <ButtonLink href="/" className="mt-5" variant="secondary">
          Back to the dashboard
        </ButtonLink>
      </div>
    </main>
  );
}
