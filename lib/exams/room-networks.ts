/**
 * What is wrong or worth a word with an exam's room networks, for the rooms page (said as the
 * rooms are entered) and the pre-flight check: a room without a network, a network the
 * installation does not let through to the exam hub, two rooms with seats on one network.
 *
 * Exports: roomNetworkNotes
 */
import { cidrInside } from "@/lib/exam-day/net";
import { t } from "@/lib/i18n/t";

export interface RoomNetworkNotes {
  /** A room without a network, a network outside the exam networks: the exam cannot go ahead. */
  problems: string[];
  /** Only the networks outside the allowed ones (an administrator's fix on the cluster page), in plain words. */
  outside: string[];
  /** Two rooms with seats on one network: allowed (neighbouring rooms do share one), but said. */
  shared: string[];
}

export function roomNetworkNotes(rooms: readonly { name: string; seats: number; cidrs: readonly string[] }[], allowed: readonly string[]): RoomNetworkNotes {
  const problems: string[] = [];
  const outside: string[] = [];
  for (const r of rooms) {
    if (!r.cidrs.length) problems.push(t("pf.networks.noNetwork", { room: r.name }));
    for (const c of r.cidrs) {
      if (cidrInside(c, allowed)) continue;
      problems.push(t("pf.networks.outside", { room: r.name, cidr: c }));
      outside.push(t("pf.networks.outsideShort", { room: r.name, cidr: c }));
    }
  }
  // the hub cannot tell two rooms on one network apart: a participant of either signs in from both
  const seated = rooms.filter((r) => r.seats > 0);
  const shared: string[] = [];
  for (let i = 0; i < seated.length; i++) {
    for (let j = i + 1; j < seated.length; j++) {
      const a = seated[i], b = seated[j];
      const nets = a.cidrs.filter((x) => b.cidrs.some((y) => cidrInside(x, [y]) || cidrInside(y, [x])));
      if (nets.length) shared.push(t("pf.networks.shared", { a: a.name, b: b.name, nets: nets.join(", ") }));
    }
  }
  return { problems, outside, shared };
}
