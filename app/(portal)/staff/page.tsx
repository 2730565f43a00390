import { CreateStaffForm, StaffRow } from "@/components/staff/staff-forms";
import { Card, PageHeader } from "@/components/ui/card";
import { Table, Th } from "@/components/ui/table";
import { requirePage } from "@/lib/auth/guard";
import { getDb } from "@/lib/db/client";
import { listStaff } from "@/lib/staff/staff";
import { formatDateTime } from "@/components/format";
import { createStaffAction, resetPasswordAction, updateStaffAction } from "./actions";

export const metadata = { title: "Staff" };

export default async function StaffPage() {
  const principal = await requirePage("staff.manage");
  const list = listStaff(getDb());
  return (
    <>
      <PageHeader title="Staff accounts" description="Local accounts sign in with a password stored as a salted scrypt hash; LDAP accounts appear after their first sign-in. Course rights are given per term, on the term page." />
      <div className="space-y-6">
        <Card title="New local account" description="A password is generated and shown once; hand it over in person.">
          <CreateStaffForm action={createStaffAction as never} />
        </Card>
        <Table>
          <thead>
            <tr>
              <Th>Account</Th>
              <Th>Role</Th>
              <Th>Source</Th>
              <Th>Terms</Th>
              <Th>Last sign-in</Th>
              <Th>Status</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((u) => (
              <StaffRow
                key={u.id}
                user={{ ...u, lastLogin: formatDateTime(u.lastLoginAt), self: u.id === principal.id }}
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
