// Agents and admins: creation with hashed passwords, used by the CLI, the demo seed and the admin API.

import { AppError } from "../domain/errors.ts";
import type { Role, Tier, User } from "../domain/model.ts";
import type { Store } from "../ports/store.ts";
import type { Crypto } from "./auth-service.ts";

export interface CreateUserInput {
  email: string;
  password: string;
  displayName: string;
  role: Role;
  tier?: Tier;
  skills?: string[];
  languages?: string[];
  capacity?: number;
  presence?: "online" | "away" | "offline";
}

export function createUserService({ store, crypto }: { store: Store; crypto: Pick<Crypto, "hashPassword"> }) {
  return {
    async create(input: CreateUserInput): Promise<User> {
      if (input.password.length < 8) throw new AppError("VALIDATION_FAILED", "password: at least 8 characters");
      if (await store.getUserAuth(input.email)) throw new AppError("EMAIL_TAKEN", `a user with email ${input.email} exists`);
      const { password, ...rest } = input;
      return store.createUser({ ...rest, passwordHash: await crypto.hashPassword(password) });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
