import { useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { api, errorMessage, credentials } from "../lib/api";
import { useUser } from "../lib/auth";
import type { TokenResponse } from "../lib/types";

type Mode = "login" | "register";

export function LoginPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const mode: Mode = params.get("mode") === "register" ? "register" : "login";
  const next = params.get("next") || "/";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [welcome, setWelcome] = useState<TokenResponse | null>(null);

  const submit = useMutation({
    mutationFn: () => api<TokenResponse>("POST", `/auth/${mode}`, { body: { email: email.trim(), password }, auth: false }),
    onSuccess: (res) => {
      if (mode === "register" && res.user.is_admin) {
        setWelcome(res);
        return;
      }
      credentials.set(res.access_token, res.user);
      navigate(next, { replace: true });
    },
  });

  if (user && !welcome) return <Navigate to={next} replace />;

  if (welcome) {
    return (
      <div className="auth-page">
        <div className="auth-card" data-testid="welcome">
          <h1>Welcome to AgentStack</h1>
          <p>
            You are the first user, so you are the <strong>admin</strong>. You own the project <code>default</code> that AgentStack
            created at its first start; its API key was printed once in the server's log. You can rotate it in Settings to get a
            new one.
          </p>
          <button
            type="button"
            className="btn primary"
            onClick={() => {
              credentials.set(welcome.access_token, welcome.user);
              navigate("/traces", { replace: true });
            }}
          >
            Continue
          </button>
        </div>
      </div>
    );
  }

  const setMode = (m: Mode) => {
    const q = new URLSearchParams(params);
    if (m === "register") q.set("mode", "register");
    else q.delete("mode");
    setParams(q, { replace: true });
    submit.reset();
  };

  return (
    <div className="auth-page">
      <form
        className="auth-card"
        onSubmit={(e) => {
          e.preventDefault();
          submit.mutate();
        }}
      >
        <div className="brand big">
          <span className="logo" aria-hidden>◆</span> AgentStack
        </div>
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={mode === "login"} className={mode === "login" ? "tab active" : "tab"} onClick={() => setMode("login")}>
            Sign in
          </button>
          <button type="button" role="tab" aria-selected={mode === "register"} className={mode === "register" ? "tab active" : "tab"} onClick={() => setMode("register")}>
            Create account
          </button>
        </div>
        <label className="field">
          <span>Email</span>
          <input type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete={mode === "login" ? "current-password" : "new-password"}
            required
            minLength={mode === "register" ? 8 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {submit.isError && (
          <div className="state error" role="alert">
            {errorMessage(submit.error)}
          </div>
        )}
        <button type="submit" className="btn primary wide" disabled={submit.isPending}>
          {submit.isPending ? "…" : mode === "login" ? "Sign in" : "Create account"}
        </button>
        <p className="muted small">
          {mode === "register"
            ? "The first account on a new server becomes its admin and owns the project “default”. Passwords need 8 characters or more."
            : "First time here? Create an account: the first one becomes the admin."}
        </p>
      </form>
    </div>
  );
}
