"""Use cases of lead files (卷宗): gathering a lead's evidence, case and imagery into a
signed dossier. Above the lead core and the evidence domains, it may read them all."""
