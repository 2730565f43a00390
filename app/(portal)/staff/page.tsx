import { CreateStaffForm, StaffRow } from "@/components/staff/staff-forms";
import { Card, PageHeader } from "@/components/ui/card";
import { Table, Th } from "@/components/ui/table";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { listStaff } from "@/lib/staff/staff";
import { getTranslations } from "next-intl/server";
import { getFmt } from "@/lib/i18n/server";
import { createStaffAction, resetPasswordAction, updateStaffAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("staff"))("title") };
}

export default async function StaffPage() {
  const principal = await requirePage("staff.manage");
  const list = listStaff(getDb());
  const t = await getTranslations("staff");
  const f = await getFmt();
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="space-y-6">
        <Card title={t("newTitle")} description={t("newHint")}>
          <CreateStaffForm action={createStaffAction as never} />
        </Card>
        <Table>
          <thead>
            <tr>
              <Th>{t("th.account")}</Th>
              <Th>{t("th.role")}</Th>
              <Th>{t("th.source")}</Th>
              <Th>{t("th.terms")}</Th>
              <Th>{t("th.lastSignIn")}</Th>
              <Th>{t("th.status")}</Th>
              <Th className="text-right">{t("th.actions")}</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((u) => (
              <StaffRow
                key={u.id}
                user={{ ...u, lastLogin: f.dateTime(u.lastLoginAt), self: u.id === principal.id }}
                update={updateStaffAction as never}
                reset={resetPasswordAction as never}
              />
            ))}
          </tbody>
        </Table>
      </div>
    </>
  );
}
