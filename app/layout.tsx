import type { Metadata } from "next";
import { headers } from "next/headers";
import { getLocale, getTranslations } from "next-intl/server";
import { Toaster } from "sonner";
import { ClientMessages } from "@/components/i18n/client-messages";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return { title: { default: t("appName"), template: `%s · ${t("appName")}` }, description: t("appDescription") };
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // every page renders per request: its scripts carry that request's CSP nonce
  await headers();
  const locale = await getLocale();
  const t = await getTranslations("common");
  return (
    <html lang={locale}>
      <body className="min-h-screen font-sans antialiased">
        <ClientMessages of="app">
          {children}
          <Toaster richColors position="top-right" closeButton containerAriaLabel={t("toasts")} />
        </ClientMessages>
      </body>
    </html>
  );
}
