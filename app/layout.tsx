import type { Metadata } from "next";
import { headers } from "next/headers";
import { Toaster } from "sonner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "E2x Hub Portal", template: "%s · E2x Hub Portal" },
  description: "Courses, rosters, exams and cluster configuration for the E2x JupyterHubs.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // every page renders per request: its scripts carry that request's CSP nonce
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans antialiased">
        {children}
        <Toaster richColors position="top-right" closeButton />
      </body>
    </html>
  );
}
