// Checks the GitHub workflows of a repository:
//   1. each .github/workflows/*.yml is valid for GitHub (action-validator, run in the repository
//      so that its `paths` filters are checked against the files there);
//   2. every repository path a workflow or the ClusterFuzzLite Dockerfile names exists (a script
//      it runs, a config file, a `paths` folder, a local action), and a script run directly,
//      not through bash or sh, is executable;
//   3. every CMake preset a workflow names (`cmake --preset`, `cmake --build --preset`,
//      `ctest --preset`) is in CMakePresets.json;
//   4. workflows that use ClusterFuzzLite's actions find its build files in .clusterfuzzlite/.
//
// node check_workflows.mjs --root DIR --validator PATH [--expect TEXT]...
// Without --expect: prints every problem and exits 1 when there is one. With --expect (a test of
// this checker on a broken repository): exits 0 only when each TEXT is part of some problem.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

function parseArguments(argv) {
  const options = { root: "", validator: "", expect: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === "--root") options.root = path.resolve(value);
    else if (name === "--validator") options.validator = path.resolve(value);
    else if (name === "--expect") options.expect.push(value);
    else throw new Error(`unknown option ${name}`);
  }
  if (!options.root || !options.validator) throw new Error("--root and --validator are required");
  return options;
}

// Top-level entries a workflow may name that are outputs of a run, not files of the repository.
const generated = /^(build(-[\w-]+)?|lpe-reports|node_modules|out)$/;

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Paths in command position (the start of a `run:` line or of a command after &&, ||, ;), that
// is, executed directly rather than through bash or sh.
function directlyRun(text) {
  const start = /(?:^|\n)[ \t]*(?:-[ \t]+)?(?:run:[ \t]*)?(?:\.\/)?(\.?[\w-]+(?:\/[\w.-]+)+)/g;
  const chained = /(?:&&|\|\||;)[ \t]*(?:\.\/)?(\.?[\w-]+(?:\/[\w.-]+)+)/g;
  const out = new Set();
  for (const pattern of [start, chained]) {
    for (const match of text.matchAll(pattern)) out.add(match[1]);
  }
  return out;
}

// Repository paths named in `text`: tokens like scripts/test.sh, .ci/run or examples/lpe.toml
// whose first segment is a top-level entry of the repository, and folders of `paths` globs.
// Returns path -> "run" (executed directly) or "named".
function namedPaths(text, root) {
  const topLevel = new Set(fs.readdirSync(root).filter((name) => !generated.test(name)));
  const run = directlyRun(text.replace(/(^|\s)#.*$/gm, "$1"));
  const found = new Map();
  for (const match of text.matchAll(/(?<![\w.\/@-])(\.?[\w-]+(?:\/[\w.-]+)+)/g)) {
    const name = match[1].replace(/[.]+$/, "");
    if (!topLevel.has(name.split("/")[0])) continue;
    found.set(name, found.get(name) === "run" || run.has(name) ? "run" : "named");
  }
  for (const match of text.matchAll(/['"]?([\w.-]+(?:\/[\w.-]+)*)\/\*\*['"]?/g)) {
    if (!found.has(match[1])) found.set(match[1], "named");
  }
  return found;
}

function presetProblems(text, root, file) {
  const presetsFile = path.join(root, "CMakePresets.json");
  const presets = fs.existsSync(presetsFile) ? JSON.parse(fs.readFileSync(presetsFile, "utf8")) : {};
  const names = (kind) => new Set((presets[kind] ?? []).map((p) => p.name));
  const uses = [
    [/cmake\s+--build\s+--preset[ =](\S+)/g, "buildPresets"],
    [/cmake\s+--preset[ =](\S+)/g, "configurePresets"],
    [/ctest\s+--preset[ =](\S+)/g, "testPresets"],
  ];
  const problems = [];
  for (const [pattern, kind] of uses) {
    for (const match of text.matchAll(pattern)) {
      if (!names(kind).has(match[1]))
        problems.push(`${file}: CMake preset '${match[1]}' is not in ${kind} of CMakePresets.json`);
    }
  }
  return problems;
}

function referenceProblems(text, root, file) {
  const problems = [];
  for (const [name, use] of namedPaths(text, root)) {
    const target = path.join(root, name);
    if (!fs.existsSync(target)) problems.push(`${file}: names ${name}, which does not exist`);
    else if (use === "run" && !isExecutable(target))
      problems.push(`${file}: runs ${name} directly, but it is not executable`);
  }
  for (const match of text.matchAll(/uses:\s*(\.\/[^\s#]+)/g)) {
    const action = path.join(root, match[1]);
    if (!["action.yml", "action.yaml"].some((f) => fs.existsSync(path.join(action, f))))
      problems.push(`${file}: local action ${match[1]} has no action.yml`);
  }
  return problems.concat(presetProblems(text, root, file));
}

function validatorProblems(validator, root, file) {
  const run = spawnSync(process.execPath, [validator, file], { cwd: root, encoding: "utf8" });
  if (run.error) throw new Error(`cannot run action-validator (${validator}): ${run.error.message}`);
  if (run.status === 0) return [];
  const output = `${run.stdout}${run.stderr}`.trim().split("\n").slice(0, 40).join("\n");
  return [`${path.relative(root, file)}: action-validator rejects it:\n${output}`];
}

function check(root, validator) {
  if (!fs.existsSync(validator)) {
    throw new Error(`action-validator is not installed at ${validator}`);
  }
  const folder = path.join(root, ".github", "workflows");
  const files = fs.existsSync(folder)
    ? fs.readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)).sort()
    : [];
  if (files.length === 0) return { files, problems: [`${folder}: no workflow files`] };
  let problems = [];
  let usesClusterFuzzLite = false;
  for (const name of files) {
    const file = path.join(folder, name);
    const text = fs.readFileSync(file, "utf8");
    usesClusterFuzzLite ||= text.includes("google/clusterfuzzlite/actions/");
    problems = problems.concat(validatorProblems(validator, root, file));
    problems = problems.concat(referenceProblems(text, root, `.github/workflows/${name}`));
  }
  if (usesClusterFuzzLite) {
    for (const needed of ["Dockerfile", "build.sh", "project.yaml"]) {
      const file = path.join(root, ".clusterfuzzlite", needed);
      if (!fs.existsSync(file)) problems.push(`ClusterFuzzLite needs .clusterfuzzlite/${needed}`);
    }
    const dockerfile = path.join(root, ".clusterfuzzlite", "Dockerfile");
    if (fs.existsSync(dockerfile)) {
      const text = fs.readFileSync(dockerfile, "utf8");
      problems = problems.concat(referenceProblems(text, root, ".clusterfuzzlite/Dockerfile"));
    }
  }
  return { files, problems };
}

function main() {
  const options = parseArguments(process.argv.slice(2));
  const { files, problems } = check(options.root, options.validator);
  if (options.expect.length > 0) {
    const missed = options.expect.filter((text) => !problems.some((p) => p.includes(text)));
    console.log(`problems found in ${options.root}:\n${problems.join("\n")}`);
    if (missed.length > 0) {
      console.error(`the checker missed: ${missed.join(" | ")}`);
      return 1;
    }
    return 0;
  }
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    return 1;
  }
  console.log(`${files.length} workflows valid, every file and preset they name exists: ` +
              files.join(", "));
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`check_workflows: ${error.message}`);
  process.exitCode = 2;
}
