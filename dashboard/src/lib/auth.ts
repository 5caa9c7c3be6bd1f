import { useSyncExternalStore } from "react";
import { credentials } from "./api";
import type { User } from "./types";

let cachedToken: string | null = null;
let cachedUser: User | null = null;

function snapshot(): User | null {
  const token = credentials.token();
  if (token !== cachedToken) {
    cachedToken = token;
    cachedUser = token ? credentials.user() : null;
  }
  return cachedUser;
}

/** The logged-in user, or null; re-renders on login and logout. */
export function useUser(): User | null {
  return useSyncExternalStore(credentials.subscribe, snapshot, () => null);
}
