// Unit and integration tests read the English catalogue (work outside a request uses the fallback language).
import { setFallbackLocale } from "@/lib/i18n/t";

setFallbackLocale("en");
