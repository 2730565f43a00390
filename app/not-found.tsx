import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-brand-600">404</p>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">Page not found</h1>
        <p className="mt-2 text-sm text-slate-600">It may have been archived, or the link is wrong.</p>
        <ButtonLink href="/" className="mt-5" variant="secondary">
          Back to the dashboard
        </ButtonLink>
      </div>
    </main>
  );
}
